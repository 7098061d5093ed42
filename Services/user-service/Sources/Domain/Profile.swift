import Foundation

/// A user's profile as user-service keeps it. The email and the account itself belong to
/// auth-service; this copy arrives with `user.registered`.
struct Profile: Encodable, Sendable {
    let id: UUID
    let email: String
    let name: String
    let headline: String
    let bio: String
    let location: String
    let website: String
    let roles: [String]
    let emailVerified: Bool
    let mfaEnabled: Bool
    /// Where the avatar is served (`GET /users/{id}/avatar`), or nil without one.
    let avatarUrl: String?
    let registeredAt: Date
    let lastLoginAt: Date?
    let updatedAt: Date
}
