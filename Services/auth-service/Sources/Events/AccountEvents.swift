import Foundation

/// The payloads of the events auth-service publishes about accounts (`user.registered`,
/// `user.email_verified`, `user.logged_in`, `user.locked`); `user.password_changed` and
/// `user.mfa_enabled` carry only the `userId`.
enum AccountEvents {
    struct Registered: Encodable {
        let userId: UUID
        let email: String
        let name: String
        let emailVerified: Bool
        let roles: [String]
        let registeredAt: Date
    }

    struct EmailVerified: Encodable {
        let userId: UUID
        let email: String
    }

    struct LoggedIn: Encodable {
        let userId: UUID
        let sessionId: UUID
        let method: String
        let ip: String?
        let userAgent: String?
    }

    struct Locked: Encodable {
        let userId: UUID
        let until: Date
    }
}
