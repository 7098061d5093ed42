import Foundation
import Shared

/// Profiles: read and changed through the API, made and kept current from auth-service's events.
/// Every change through the API publishes its event in the same transaction.
struct ProfileStore: Sendable {
    let database: Database
    let outbox: Outbox
    let janitor: ObjectJanitor

    func find(_ id: UUID) async throws -> Profile? {
        try await database.queryFirst("SELECT \(Profile.columns) FROM profiles WHERE id = \(id)").map(Profile.init(row:))
    }

    /// The profile; 404 when there is none.
    func require(_ id: UUID) async throws -> Profile {
        guard let profile = try await find(id) else { throw Problem.notFound("user", id: id) }
        return profile
    }

    /// Locks the profile for the rest of the transaction; 404 when there is none.
    func lock(_ id: UUID, in transaction: Transaction) async throws -> Profile {
        guard let row = try await transaction.queryFirst("SELECT \(Profile.columns) FROM profiles WHERE id = \(id) FOR UPDATE") else {
            throw Problem.notFound("user", id: id)
        }
        return try Profile(row: row)
    }

    /// Applies an edit (fields left out keep their value) and publishes `user.profile_updated`.
    func update(_ id: UUID, with change: ProfileUpdate) async throws -> Profile {
        try await database.transaction { transaction in
            guard let row = try await transaction.queryFirst("""
                UPDATE profiles SET
                    name = coalesce(\(change.name), name), headline = coalesce(\(change.headline), headline),
                    bio = coalesce(\(change.bio), bio), location = coalesce(\(change.location), location),
                    website = coalesce(\(change.website), website), updated_at = now()
                WHERE id = \(id) RETURNING \(Profile.columns)
                """) else { throw Problem.notFound("user", id: id) }
            let profile = try Profile(row: row)
            try await outbox.publish("user.profile_updated", subject: id.lowercasedText, data: ProfileEvents.ProfileUpdated(profile),
                                     in: transaction)
            return profile
        }
    }

    /// GDPR erasure: the profile, its preferences, activity and avatar go; a tombstone keeps a
    /// late `user.registered` from bringing it back; `user.deleted` tells the fleet.
    func erase(_ id: UUID, deletedBy: String) async throws {
        try await database.transaction { transaction in
            guard let row = try await transaction.queryFirst("DELETE FROM profiles WHERE id = \(id) RETURNING avatar_key") else {
                throw Problem.notFound("user", id: id)
            }
            if let avatarKey: String = try row.decode(at: 0) { try await janitor.queue(avatarKey, in: transaction) }
            try await transaction.execute("INSERT INTO deleted_profiles (id) VALUES (\(id)) ON CONFLICT DO NOTHING")
            try await outbox.publish("user.deleted", subject: id.lowercasedText,
                                     data: ProfileEvents.Deleted(userId: id, deletedBy: deletedBy), in: transaction)
        }
    }

    /// Sets the roles; publishes `user.roles_changed` when they changed.
    func setRoles(_ roles: [String], of id: UUID, changedBy: String) async throws -> Profile {
        try await database.transaction { transaction in
            let before = try await lock(id, in: transaction)
            guard let row = try await transaction.queryFirst(
                "UPDATE profiles SET roles = \(roles), updated_at = now() WHERE id = \(id) RETURNING \(Profile.columns)")
            else { throw Problem.notFound("user", id: id) }
            if Set(before.roles) != Set(roles) {
                try await outbox.publish("user.roles_changed", subject: id.lowercasedText,
                                         data: ProfileEvents.RolesChanged(userId: id, roles: roles, changedBy: changedBy), in: transaction)
            }
            return try Profile(row: row)
        }
    }

    /// Points the profile at a new stored avatar (or none); the old object is queued for deletion,
    /// and `user.profile_updated` is published.
    func replaceAvatar(of id: UUID, key: String?, contentType: String?) async throws -> Profile {
        try await database.transaction { transaction in
            let old = try await transaction.queryFirst("SELECT avatar_key FROM profiles WHERE id = \(id) FOR UPDATE")
            guard let old else { throw Problem.notFound("user", id: id) }
            if let oldKey: String = try old.decode(at: 0) { try await janitor.queue(oldKey, in: transaction) }
            guard let row = try await transaction.queryFirst("""
                UPDATE profiles SET avatar_key = \(key), avatar_content_type = \(contentType),
                    avatar_updated_at = CASE WHEN \(key)::text IS NULL THEN NULL ELSE now() END, updated_at = now()
                WHERE id = \(id) RETURNING \(Profile.columns)
                """) else { throw Problem.notFound("user", id: id) }
            let profile = try Profile(row: row)
            try await outbox.publish("user.profile_updated", subject: id.lowercasedText, data: ProfileEvents.ProfileUpdated(profile),
                                     in: transaction)
            return profile
        }
    }

    /// The stored object of the profile's avatar, or nil without a profile or an avatar.
    func avatarKey(of id: UUID) async throws -> String? {
        guard let row = try await database.queryFirst("SELECT avatar_key FROM profiles WHERE id = \(id)") else { return nil }
        return try row.decode(at: 0)
    }

    /// Profiles matching the search, best matches first, from `offset`.
    func search(_ search: UserSearch, offset: Int, limit: Int) async throws -> [Profile] {
        let (q, name, email, role) = (search.text, search.namePattern, search.emailPattern, search.role)
        return try await database.query("""
            SELECT \(Profile.columns),
                   CASE WHEN \(q)::text IS NULL THEN 0 ELSE greatest(
                       ts_rank(search, plainto_tsquery('simple', \(q))),
                       public.word_similarity(\(q), lower(name)),
                       public.similarity(\(q), email)) END AS rank
            FROM profiles
            WHERE (\(q)::text IS NULL OR search @@ plainto_tsquery('simple', \(q))
                   OR public.word_similarity(\(q), lower(name)) >= 0.4
                   OR public.similarity(\(q), email) >= 0.4
                   OR position(\(q) in email) > 0)
              AND (\(name)::text IS NULL OR name ILIKE \(name))
              AND (\(email)::text IS NULL OR email LIKE \(email))
              AND (\(role)::text IS NULL OR roles @> ARRAY[\(role)::text])
            ORDER BY rank DESC, registered_at DESC, id DESC
            OFFSET \(offset) LIMIT \(limit)
            """).map(Profile.init(row:))
    }

    /// A profile for a new account (`user.registered`), unless the account was deleted already:
    /// a deleted account's tombstone wins over a late or redelivered registration.
    func create(_ id: UUID, email: String, name: String, roles: [String], emailVerified: Bool, registeredAt: Date,
                in transaction: Transaction) async throws {
        try await transaction.execute("""
            INSERT INTO profiles (id, email, name, roles, email_verified, registered_at)
            SELECT \(id), \(email), \(name), \(roles), \(emailVerified), \(registeredAt)
            WHERE NOT EXISTS (SELECT 1 FROM deleted_profiles WHERE id = \(id))
            ON CONFLICT (id) DO NOTHING
            """)
    }

    func markEmailVerified(_ id: UUID, in transaction: Transaction) async throws {
        try await transaction.execute("UPDATE profiles SET email_verified = true WHERE id = \(id)")
    }

    /// Counts a sign-in and keeps the latest sign-in time, whatever order the events come in.
    func recordLogin(_ id: UUID, at time: Date, in transaction: Transaction) async throws {
        try await transaction.execute("""
            UPDATE profiles SET login_count = login_count + 1,
                last_login_at = greatest(last_login_at, \(time))
            WHERE id = \(id)
            """)
    }

    func markMFAEnabled(_ id: UUID, in transaction: Transaction) async throws {
        try await transaction.execute("UPDATE profiles SET mfa_enabled = true WHERE id = \(id)")
    }
}
