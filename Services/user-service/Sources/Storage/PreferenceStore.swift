import Foundation
import Shared

/// Preferences (`preferences`), one row per profile, made from the defaults on first use.
struct PreferenceStore: Sendable {
    let database: Database
    let profiles: ProfileStore

    /// The profile's preferences; 404 without a profile.
    func current(of id: UUID) async throws -> Preferences {
        try await database.transaction { transaction in try await current(id, in: transaction) }
    }

    /// Applies a change (fields left out keep their value).
    func change(of id: UUID, with change: Preferences.Change) async throws -> Preferences {
        try await database.transaction { transaction in
            let next = change.applied(to: try await current(id, in: transaction))
            guard let row = try await transaction.queryFirst("""
                UPDATE preferences SET language = \(next.language), timezone = \(next.timezone), theme = \(next.theme),
                    email_notifications = \(next.emailNotifications), marketing_emails = \(next.marketingEmails),
                    weekly_digest = \(next.weeklyDigest), updated_at = now()
                WHERE user_id = \(id) RETURNING \(Preferences.columns)
                """) else { throw Problem.notFound("user", id: id) }
            return try Preferences(row: row)
        }
    }

    /// The saved preferences, made from the defaults (and locked) on first use.
    private func current(_ id: UUID, in transaction: Transaction) async throws -> Preferences {
        _ = try await profiles.lock(id, in: transaction)
        try await transaction.execute("INSERT INTO preferences (user_id) VALUES (\(id)) ON CONFLICT DO NOTHING")
        guard let row = try await transaction.queryFirst("SELECT \(Preferences.columns) FROM preferences WHERE user_id = \(id) FOR UPDATE")
        else { throw Problem.notFound("user", id: id) }
        return try Preferences(row: row)
    }
}
