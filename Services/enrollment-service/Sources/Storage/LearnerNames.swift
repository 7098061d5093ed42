import Foundation
import Shared

/// Keeps learners' names for their certificates, from the events that say them: `user.registered`
/// (auth-service), `user.profile_updated` and `user.deleted` (user-service).
extension CertificateBook {
    private struct Named: Decodable {
        let userId: UUID
        let name: String
    }

    private struct AboutUser: Decodable {
        let userId: UUID
    }

    static var eventHandlers: [EventHandler] {
        [
            EventHandler("user.registered") { event, transaction in
                try await remember(try event.decode(Named.self), at: event.occurredAt, in: transaction)
            },
            EventHandler("user.profile_updated") { event, transaction in
                try await remember(try event.decode(Named.self), at: event.occurredAt, in: transaction)
            },
            // Erasure forgets the name; certificates already issued keep the name they were issued to.
            EventHandler("user.deleted") { event, transaction in
                try await transaction.execute("DELETE FROM learners WHERE user_id = \(try event.decode(AboutUser.self).userId)")
            },
        ]
    }

    /// The newest name wins, whatever order the events arrive in.
    private static func remember(_ learner: Named, at time: Date, in transaction: Transaction) async throws {
        try await transaction.execute("""
            INSERT INTO learners (user_id, name, updated_at) VALUES (\(learner.userId), \(learner.name), \(time))
            ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at
            WHERE learners.updated_at <= excluded.updated_at
            """)
    }
}
