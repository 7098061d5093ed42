import Foundation
import Shared

/// What enrollment-service learns from the fleet: payments activate pending enrollments, a
/// course's new seat limits reach its pools at once (more seats go to the waitlist), and
/// learners' names are kept for their certificates.
enum FleetEvents {
    /// `course.updated` and `course.published`: the seat limits (slim copy of course-service's data).
    struct CourseChanged: Decodable {
        let courseId: UUID
        /// `nil` for unlimited; `hasLimits` is false when the event does not carry them at all.
        let capacity: Int?
        let cohorts: [Cohort]
        let hasLimits: Bool

        struct Cohort: Decodable {
            let id: UUID
            let capacity: Int?
        }

        private enum CodingKeys: String, CodingKey { case courseId, capacity, cohorts }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            courseId = try container.decode(UUID.self, forKey: .courseId)
            capacity = try container.decodeIfPresent(Int.self, forKey: .capacity)
            cohorts = try container.decodeIfPresent([Cohort].self, forKey: .cohorts) ?? []
            hasLimits = container.contains(.capacity)
        }
    }

    /// `user.registered` and `user.profile_updated`: a learner's name, for their certificates.
    struct Named: Decodable {
        let userId: UUID
        let name: String
    }

    /// `user.deleted`.
    struct AboutUser: Decodable {
        let userId: UUID
    }

    static func handlers(changes: EnrollmentChanges, seats: SeatPools, learners: LearnerNames, clock: FleetClock) -> [EventHandler] {
        [
            EventHandler("payment.succeeded") { event, transaction in
                let payment = try event.decode(PaymentSucceeded.self)
                // Payments for anything but an enrollment (subscriptions, wallets) are not ours.
                guard let enrollmentId = payment.enrollmentId else { return }
                try await changes.applyPayment(payment, enrollmentId: enrollmentId, now: clock.now(), in: transaction)
            },
            // Erasure forgets the name; certificates already issued keep the name they were issued to.
            EventHandler("user.deleted") { event, transaction in
                try await learners.forget(try event.decode(AboutUser.self).userId, in: transaction)
            },
        ] + ["course.updated", "course.published"].map { type in
            EventHandler(type) { event, transaction in
                let course = try event.decode(CourseChanged.self)
                guard course.hasLimits else { return }
                try await seats.applyLimits(courseId: course.courseId, capacity: course.capacity,
                                            cohorts: course.cohorts.map { ($0.id, $0.capacity) }, now: clock.now(), in: transaction)
            }
        } + ["user.registered", "user.profile_updated"].map { type in
            EventHandler(type) { event, transaction in
                let learner = try event.decode(Named.self)
                try await learners.remember(learner.name, of: learner.userId, at: event.occurredAt, in: transaction)
            }
        }
    }
}
