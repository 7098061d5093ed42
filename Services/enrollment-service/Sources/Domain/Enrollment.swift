import Foundation
import Shared

/// A learner's place in a course, as stored and as the API shows it. Absent optional fields
/// are omitted on the wire.
struct Enrollment: Codable, Sendable, Equatable {
    let id: UUID
    let userId: UUID
    let courseId: UUID
    let cohortId: UUID?
    /// The course's title when the learner enrolled.
    let courseTitle: String
    let status: EnrollmentStatus
    /// The course's price when the learner enrolled; 0 for a free course.
    let price: Money
    /// Until when a `pending_payment` enrollment holds its seat.
    let paymentDueAt: Date?
    /// The payment that activated it.
    let paymentId: String?
    let activatedAt: Date?
    let completedAt: Date?
    let cancelledAt: Date?
    let expiredAt: Date?
    /// When an `active` enrollment's access ends (set by administrators); `nil` for no end.
    let accessExpiresAt: Date?
    let createdAt: Date
    let updatedAt: Date
}
