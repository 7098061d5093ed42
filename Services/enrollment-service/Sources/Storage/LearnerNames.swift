import Foundation
import Shared

/// Learners' names for their certificates (`learners`), kept from the events that say them:
/// `user.registered` (auth-service), `user.profile_updated` and `user.deleted` (user-service).
struct LearnerNames: Sendable {
    /// The newest name wins, whatever order the events arrive in.
    func remember(_ name: String, of userId: UUID, at time: Date, in transaction: Transaction) async throws {
        try await transaction.execute("""
            INSERT INTO learners (user_id, name, updated_at) VALUES (\(userId), \(name), \(time))
            ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at
            WHERE learners.updated_at <= excluded.updated_at
            """)
    }

    /// Erasure forgets the name; certificates already issued keep the name they were issued to.
    func forget(_ userId: UUID, in transaction: Transaction) async throws {
        try await transaction.execute("DELETE FROM learners WHERE user_id = \(userId)")
    }

    /// The name kept for the user, if any.
    func name(of userId: UUID, in transaction: Transaction) async throws -> String? {
        try await transaction.queryFirst("SELECT name FROM learners WHERE user_id = \(userId)")?.decode("name")
    }
}
