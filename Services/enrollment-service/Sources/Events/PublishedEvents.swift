import Foundation
import Shared

/// The data of every `enrollment.*` event: `{enrollmentId, userId, courseId, cohortId|null,
/// status}` plus the extras of the type (`completedAt`, `lessonId`, `price`, `paymentDueAt`,
/// `paymentId`, `reason`).
struct EnrollmentEvent: Encodable, Sendable {
    let enrollment: Enrollment
    var lessonId: UUID?
    var reason: String?

    private enum CodingKeys: String, CodingKey {
        case enrollmentId, userId, courseId, cohortId, status, courseTitle, price, paymentDueAt, paymentId, completedAt
        case accessExpiresAt, lessonId, reason
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(enrollment.id, forKey: .enrollmentId)
        try container.encode(enrollment.userId, forKey: .userId)
        try container.encode(enrollment.courseId, forKey: .courseId)
        // Always present, null without a cohort.
        try container.encode(enrollment.cohortId, forKey: .cohortId)
        try container.encode(enrollment.status, forKey: .status)
        try container.encode(enrollment.courseTitle, forKey: .courseTitle)
        try container.encode(enrollment.price, forKey: .price)
        try container.encodeIfPresent(enrollment.paymentDueAt, forKey: .paymentDueAt)
        try container.encodeIfPresent(enrollment.paymentId, forKey: .paymentId)
        try container.encodeIfPresent(enrollment.completedAt, forKey: .completedAt)
        try container.encodeIfPresent(enrollment.accessExpiresAt, forKey: .accessExpiresAt)
        try container.encodeIfPresent(lessonId, forKey: .lessonId)
        try container.encodeIfPresent(reason, forKey: .reason)
    }
}

/// The data of every `waitlist.*` event: `{entryId, userId, courseId, cohortId|null, status}`
/// plus `offerExpiresAt` (offered), `enrollmentId` (accepted), `reason` (left).
struct WaitlistEvent: Encodable, Sendable {
    let entry: WaitlistEntry
    var reason: String?

    private enum CodingKeys: String, CodingKey {
        case entryId, userId, courseId, cohortId, status, position, offerExpiresAt, enrollmentId, reason
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(entry.id, forKey: .entryId)
        try container.encode(entry.userId, forKey: .userId)
        try container.encode(entry.courseId, forKey: .courseId)
        try container.encode(entry.cohortId, forKey: .cohortId)
        try container.encode(entry.status, forKey: .status)
        try container.encodeIfPresent(entry.position, forKey: .position)
        try container.encodeIfPresent(entry.offerExpiresAt, forKey: .offerExpiresAt)
        try container.encodeIfPresent(entry.enrollmentId, forKey: .enrollmentId)
        try container.encodeIfPresent(reason, forKey: .reason)
    }
}

/// The data of `enrollment.payment_unmatched`: payment-service refunds this payment.
struct UnmatchedPayment: Encodable, Sendable {
    let enrollmentId: UUID
    let paymentId: String
    let userId: UUID?
    let amount: Money?
    /// `unknown_enrollment`, `user_mismatch`, or the enrollment's status (`expired`, `cancelled`,
    /// `active`, `completed`).
    let reason: String
}
