import Foundation
import Hummingbird
import Shared

/// `GET/PUT /users/{id}/preferences`: the owner's or an admin's. A profile without saved
/// preferences has the defaults.
struct PreferenceRoutes: Sendable {
    let database: Database
    let profiles: Profiles

    func add(to group: RouterGroup<AppRequestContext>) {
        group.get("/users/:id/preferences") { _, context in
            let id = try context.parameters.require("id", as: UUID.self)
            _ = try context.requireOwnerOrAdmin(id)
            return try await database.transaction { transaction in try await current(id, in: transaction) }
        }
        group.put("/users/:id/preferences") { request, context in
            let id = try context.parameters.require("id", as: UUID.self)
            _ = try context.requireOwnerOrAdmin(id)
            let change = try await request.decode(as: Preferences.Change.self, context: context)
            try change.validate()
            return try await database.transaction { transaction in
                let next = change.applied(to: try await current(id, in: transaction))
                let row = try await transaction.queryFirst("""
                    UPDATE preferences SET language = \(next.language), timezone = \(next.timezone), theme = \(next.theme),
                        email_notifications = \(next.emailNotifications), marketing_emails = \(next.marketingEmails),
                        weekly_digest = \(next.weeklyDigest), updated_at = now()
                    WHERE user_id = \(id) RETURNING \(Preferences.columns)
                    """)
                return try Preferences(row: try row.orThrow(Problem.notFound("user", id: id)))
            }
        }
    }

    /// The saved preferences, made from the defaults (and locked) on first use.
    private func current(_ id: UUID, in transaction: Transaction) async throws -> Preferences {
        _ = try await profiles.lock(id, in: transaction)
        try await transaction.execute("INSERT INTO preferences (user_id) VALUES (\(id)) ON CONFLICT DO NOTHING")
        let row = try await transaction.queryFirst("SELECT \(Preferences.columns) FROM preferences WHERE user_id = \(id) FOR UPDATE")
        return try Preferences(row: try row.orThrow(Problem.notFound("user", id: id)))
    }
}

extension Optional {
    func orThrow(_ error: some Error) throws -> Wrapped {
        guard let self else { throw error }
        return self
    }
}
