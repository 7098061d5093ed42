import Foundation
import Shared

/// What user-service tells auth-service: roles it granted, and accounts it deleted.
enum UserEvents {
    struct RolesChanged: Decodable {
        let userId: UUID
        let roles: [String]
    }

    struct Deleted: Decodable { let userId: UUID }

    static func handlers() -> [EventHandler] {
        [
            // The next access token carries the new roles.
            EventHandler("user.roles_changed") { event, transaction in
                let change = try event.decode(RolesChanged.self)
                try await transaction.execute("UPDATE users SET roles = \(change.roles), updated_at = now() WHERE id = \(change.userId)")
            },
            // GDPR erasure: credentials, MFA, OAuth links, tokens and sessions all go with the row.
            EventHandler("user.deleted") { event, transaction in
                let deleted = try event.decode(Deleted.self)
                try await transaction.execute("DELETE FROM users WHERE id = \(deleted.userId)")
            },
        ]
    }
}
