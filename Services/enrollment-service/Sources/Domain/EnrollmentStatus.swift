import Shared

/// Where an enrollment stands. A paid course starts in `pendingPayment` and becomes `active`
/// when its payment arrives; a free one starts `active`. `completed`, `cancelled` and `expired`
/// are final.
enum EnrollmentStatus: String, Codable, CaseIterable, Sendable {
    case pendingPayment = "pending_payment"
    case active
    case completed
    case cancelled
    case expired

    /// The statuses that take a seat and count as being enrolled.
    static let live: [EnrollmentStatus] = [.pendingPayment, .active, .completed]

    var isLive: Bool { Self.live.contains(self) }

    /// Whether the learner (or an administrator) may still cancel it.
    var isCancellable: Bool { self == .pendingPayment || self == .active }
}
