import Foundation
import Shared

/// What user-service tells auth-service: roles it granted, and accounts it deleted.
enum FleetEvents {
    struct RolesChanged: Decodable {
        let userId: UUID
        let roles: [String]
    }

    struct Deleted: Decodable { let userId: UUID }

    static func handlers(accounts: AccountStore) -> [EventHandler] {
        [
            // The next access token carries the new roles.
            EventHandler("user.roles_changed") { event, transaction in
                let change = try event.decode(RolesChanged.self)
                try await accounts.setRoles(change.roles, of: change.userId, in: transaction)
            },
            // GDPR erasure: credentials, MFA, OAuth links, tokens and sessions all go with the row.
            EventHandler("user.deleted") { event, transaction in
                try await accounts.erase(try event.decode(Deleted.self).userId, in: transaction)
            },
        ]
    }
}
