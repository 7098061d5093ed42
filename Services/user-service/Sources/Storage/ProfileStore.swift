import Foundation
import Shared

/// Reads and writes profiles.
struct Profiles: Sendable {
    let database: Database

    func find(_ id: UUID) async throws -> Profile? {
        try await database.queryFirst("SELECT \(Profile.columns) FROM profiles WHERE id = \(id)").map(Profile.init(row:))
    }

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

    func update(_ id: UUID, with change: ProfileUpdate, in transaction: Transaction) async throws -> Profile {
        guard let row = try await transaction.queryFirst("""
            UPDATE profiles SET
                name = coalesce(\(change.name), name), headline = coalesce(\(change.headline), headline),
                bio = coalesce(\(change.bio), bio), location = coalesce(\(change.location), location),
                website = coalesce(\(change.website), website), updated_at = now()
            WHERE id = \(id) RETURNING \(Profile.columns)
            """) else { throw Problem.notFound("user", id: id) }
        return try Profile(row: row)
    }
}
