import Foundation

/// What a user's timeline adds up to.
struct UserStats: Encodable, Sendable {
    let userId: UUID
    let memberSince: Date
    let lastLoginAt: Date?
    let loginCount: Int
    let coursesEnrolled: Int
    let coursesCompleted: Int
    let certificatesEarned: Int
    /// Days in the last 30 with any recorded activity.
    let activeDaysLast30: Int
}
