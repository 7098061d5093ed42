import Foundation
import Shared

/// Where a waitlist entry stands. `waiting` and `offered` are open; the others are final.
enum WaitlistStatus: String, Codable, CaseIterable, Sendable {
    /// In the queue, FIFO by the time of joining.
    case waiting
    /// A seat is held for the learner until `offerExpiresAt`.
    case offered
    /// The learner took the offered seat; `enrollmentId` names the enrollment.
    case accepted
    /// The learner turned the offer down.
    case declined
    /// The offer ran out before the learner answered.
    case offerExpired = "offer_expired"
    /// The learner left the queue.
    case left

    static let open: [WaitlistStatus] = [.waiting, .offered]
}

/// A learner's place in a course's (or one cohort's) queue.
struct WaitlistEntry: Codable, Sendable, Equatable {
    let id: UUID
    let userId: UUID
    let courseId: UUID
    let cohortId: UUID?
    let status: WaitlistStatus
    /// 1 for the first in line, among the learners still waiting for the same course and cohort;
    /// present only while `waiting`.
    let position: Int?
    let joinedAt: Date
    let offeredAt: Date?
    let offerExpiresAt: Date?
    /// When it stopped being open (accepted, declined, expired, left).
    let endedAt: Date?
    let enrollmentId: UUID?
}
