import Foundation
import Shared

/// What user-service learns from the fleet: accounts from auth-service (profiles are made from
/// `user.registered`) and a user's doings everywhere, which become their activity timeline.
enum FleetEvents {
    struct Registered: Decodable {
        let userId: UUID
        let email: String
        let name: String
        let emailVerified: Bool
        let roles: [String]
        let registeredAt: Date
    }

    /// Any event about one user.
    struct AboutUser: Decodable { let userId: UUID }

    /// Events that only add to the timeline (and, for enrolments and certificates, the stats).
    static let timelineOnly = [
        "user.password_changed", "user.locked",
        "enrollment.created", "enrollment.completed", "certificate.issued",
    ]

    static func handlers(profiles: ProfileStore, activity: ActivityLog) -> [EventHandler] {
        [
            EventHandler("user.registered") { event, transaction in
                let account = try event.decode(Registered.self)
                try await profiles.create(account.userId, email: account.email, name: account.name, roles: account.roles,
                                          emailVerified: account.emailVerified, registeredAt: account.registeredAt, in: transaction)
                try await activity.record(event, for: account.userId, in: transaction)
            },
            EventHandler("user.email_verified") { event, transaction in
                let userId = try event.decode(AboutUser.self).userId
                try await profiles.markEmailVerified(userId, in: transaction)
                try await activity.record(event, for: userId, in: transaction)
            },
            EventHandler("user.logged_in") { event, transaction in
                let userId = try event.decode(AboutUser.self).userId
                try await profiles.recordLogin(userId, at: event.occurredAt, in: transaction)
                try await activity.record(event, for: userId, in: transaction)
            },
            EventHandler("user.mfa_enabled") { event, transaction in
                let userId = try event.decode(AboutUser.self).userId
                try await profiles.markMFAEnabled(userId, in: transaction)
                try await activity.record(event, for: userId, in: transaction)
            },
        ] + timelineOnly.map { type in
            EventHandler(type) { event, transaction in
                try await activity.record(event, for: try event.decode(AboutUser.self).userId, in: transaction)
            }
        }
    }
}
