import Foundation
import Shared

/// What course-service learns from the fleet: enrollment-service's events say who is learning
/// which course, which decides who may review it and how popular it is.
enum FleetEvents {
    /// The part of every `enrollment.*` event course-service reads.
    struct Enrollment: Decodable {
        let enrollmentId: UUID
        let userId: UUID
        let courseId: UUID
        let status: String?
    }

    /// The learner state each event type leaves; `enrollment.created` counts only when the
    /// enrolment is active at once (a paid one waiting for payment is not yet a learner).
    static let states: [(type: String, status: String?)] = [
        ("enrollment.created", nil),
        ("enrollment.activated", "active"),
        ("enrollment.completed", "completed"),
        ("enrollment.cancelled", "cancelled"),
        ("enrollment.expired", "expired"),
    ]

    static func handlers() -> [EventHandler] {
        states.map { type, status in
            EventHandler(type) { event, transaction in
                let enrollment = try event.decode(Enrollment.self)
                guard let state = status ?? (enrollment.status == "active" ? "active" : nil) else { return }
                try await LearnerStore.record(courseId: enrollment.courseId, userId: enrollment.userId, enrollmentId: enrollment.enrollmentId,
                                              status: state, occurredAt: event.occurredAt, eventId: event.id, in: transaction)
            }
        }
    }
}
