import Foundation
import Shared

extension Profile {
    /// The columns `init(row:)` reads, from `profiles`.
    static let columns: SQL = """
        id, email, name, headline, bio, location, website, roles, email_verified, mfa_enabled,
        avatar_key, registered_at, last_login_at, updated_at
        """

    init(row: PostgresRow) throws {
        let id: UUID = try row.decode("id")
        let avatarKey: String? = try row.decode("avatar_key")
        self.init(
            id: id, email: try row.decode("email"), name: try row.decode("name"), headline: try row.decode("headline"),
            bio: try row.decode("bio"), location: try row.decode("location"), website: try row.decode("website"),
            roles: try row.decode("roles"), emailVerified: try row.decode("email_verified"), mfaEnabled: try row.decode("mfa_enabled"),
            avatarUrl: avatarKey == nil ? nil : "/users/\(id.lowercasedText)/avatar",
            registeredAt: try row.decode("registered_at"), lastLoginAt: try row.decode("last_login_at"),
            updatedAt: try row.decode("updated_at"))
    }
}

extension Preferences {
    /// The columns `init(row:)` reads, from `preferences`.
    static let columns: SQL = "language, timezone, theme, email_notifications, marketing_emails, weekly_digest"

    init(row: PostgresRow) throws {
        self.init(
            language: try row.decode("language"), timezone: try row.decode("timezone"), theme: try row.decode("theme"),
            emailNotifications: try row.decode("email_notifications"), marketingEmails: try row.decode("marketing_emails"),
            weeklyDigest: try row.decode("weekly_digest"))
    }
}

extension ActivityEntry {
    /// The columns `init(row:)` reads, from `activity`.
    static let columns: SQL = "id, type, source, details, occurred_at"

    init(row: PostgresRow) throws {
        self.init(id: try row.decode("id"), type: try row.decode("type"), source: try row.decode("source"),
                  details: try row.decode("details"), occurredAt: try row.decode("occurred_at"))
    }
}
