import Foundation
import Shared

/// What enrollment-service learns from the fleet: payments activate pending enrollments, and a
/// course's new seat limits reach its pools at once (more seats go to the waitlist).
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

    static func handlers(changes: EnrollmentChanges, seats: SeatPools, clock: FleetClock) -> [EventHandler] {
        [
            EventHandler("payment.succeeded") { event, transaction in
                let payment = try event.decode(PaymentSucceeded.self)
                // Payments for anything but an enrollment (subscriptions, wallets) are not ours.
                guard let enrollmentId = payment.enrollmentId else { return }
                try await changes.applyPayment(payment, enrollmentId: enrollmentId, now: clock.now(), in: transaction)
            },
            EventHandler("course.updated") { event, transaction in
                try await refreshSeats(event, seats: seats, clock: clock, in: transaction)
            },
            EventHandler("course.published") { event, transaction in
                try await refreshSeats(event, seats: seats, clock: clock, in: transaction)
            },
        ]
    }

    /// New limits for a course someone enrolled in or queued for; courses without a pool are
    /// left alone until their first enrollment reads the limits itself.
    private static func refreshSeats(_ event: EventEnvelope, seats: SeatPools, clock: FleetClock, in transaction: Transaction) async throws {
        let course = try event.decode(CourseChanged.self)
        guard course.hasLimits, try await seats.lock(course.courseId, in: transaction) else { return }
        try await seats.refreshAndLock(courseId: course.courseId, capacity: course.capacity,
                                       cohorts: course.cohorts.map { ($0.id, $0.capacity) }, in: transaction)
        try await seats.offerFreeSeats(course.courseId, now: clock.now(), in: transaction)
    }
}
