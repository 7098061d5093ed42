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

    static func handlers() -> [EventHandler] {
        [
            EventHandler("user.registered") { event, transaction in
                let account = try event.decode(Registered.self)
                // A deleted account's tombstone wins over a late or redelivered registration.
                try await transaction.execute("""
                    INSERT INTO profiles (id, email, name, roles, email_verified, registered_at)
                    SELECT \(account.userId), \(account.email), \(account.name), \(account.roles), \(account.emailVerified),
                           \(account.registeredAt)
                    WHERE NOT EXISTS (SELECT 1 FROM deleted_profiles WHERE id = \(account.userId))
                    ON CONFLICT (id) DO NOTHING
                    """)
                try await record(event, for: account.userId, in: transaction)
            },
            EventHandler("user.email_verified") { event, transaction in
                let userId = try event.decode(AboutUser.self).userId
                try await transaction.execute("UPDATE profiles SET email_verified = true WHERE id = \(userId)")
                try await record(event, for: userId, in: transaction)
            },
            EventHandler("user.logged_in") { event, transaction in
                let userId = try event.decode(AboutUser.self).userId
                try await transaction.execute("""
                    UPDATE profiles SET login_count = login_count + 1,
                        last_login_at = greatest(last_login_at, \(event.occurredAt))
                    WHERE id = \(userId)
                    """)
                try await record(event, for: userId, in: transaction)
            },
            EventHandler("user.mfa_enabled") { event, transaction in
                let userId = try event.decode(AboutUser.self).userId
                try await transaction.execute("UPDATE profiles SET mfa_enabled = true WHERE id = \(userId)")
                try await record(event, for: userId, in: transaction)
            },
        ] + timelineOnly.map { type in
            EventHandler(type) { event, transaction in
                try await record(event, for: try event.decode(AboutUser.self).userId, in: transaction)
            }
        }
    }

    /// Adds the event to the user's timeline, once, if the user still has a profile.
    static func record(_ event: EventEnvelope, for userId: UUID, in transaction: Transaction) async throws {
        try await transaction.execute("""
            INSERT INTO activity (id, user_id, event_id, type, source, details, occurred_at)
            SELECT \(UUIDv7.make()), \(userId), \(event.id), \(event.type), \(event.source), \(event.data), \(event.occurredAt)
            WHERE EXISTS (SELECT 1 FROM profiles WHERE id = \(userId))
            ON CONFLICT (event_id) DO NOTHING
            """)
    }
}
