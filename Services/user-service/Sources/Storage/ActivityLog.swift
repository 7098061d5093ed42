import Foundation
import Shared

/// A user's timeline (`activity`), fed by the fleet's events, and the statistics drawn from it.
struct ActivityLog: Sendable {
    let database: Database

    /// The user's entries, newest first, optionally of one type, after a position.
    func entries(of userId: UUID, type: String?, after: (occurredAt: Date, id: UUID)?, limit: Int) async throws -> [ActivityEntry] {
        try await database.query("""
            SELECT \(ActivityEntry.columns) FROM activity
            WHERE user_id = \(userId) AND (\(type)::text IS NULL OR type = \(type))
              AND (\(after?.occurredAt)::timestamptz IS NULL OR (occurred_at, id) < (\(after?.occurredAt), \(after?.id)))
            ORDER BY occurred_at DESC, id DESC LIMIT \(limit)
            """).map(ActivityEntry.init(row:))
    }

    /// The user's statistics, or nil without a profile.
    func stats(of userId: UUID) async throws -> UserStats? {
        guard let row = try await database.queryFirst("""
            SELECT p.registered_at, p.last_login_at, p.login_count,
                   count(a.id) FILTER (WHERE a.type = 'enrollment.created')::int,
                   count(a.id) FILTER (WHERE a.type = 'enrollment.completed')::int,
                   count(a.id) FILTER (WHERE a.type = 'certificate.issued')::int,
                   count(DISTINCT date_trunc('day', a.occurred_at))
                       FILTER (WHERE a.occurred_at > now() - interval '30 days')::int
            FROM profiles p LEFT JOIN activity a ON a.user_id = p.id
            WHERE p.id = \(userId) GROUP BY p.id
            """) else { return nil }
        let (since, lastLogin, logins, enrolled, completed, certificates, activeDays) =
            try row.decode(Date.self, Date?.self, Int.self, Int.self, Int.self, Int.self, Int.self)
        return UserStats(userId: userId, memberSince: since, lastLoginAt: lastLogin, loginCount: logins, coursesEnrolled: enrolled,
                         coursesCompleted: completed, certificatesEarned: certificates, activeDaysLast30: activeDays)
    }

    /// Adds the event to the user's timeline, once, if the user still has a profile.
    func record(_ event: EventEnvelope, for userId: UUID, in transaction: Transaction) async throws {
        try await transaction.execute("""
            INSERT INTO activity (id, user_id, event_id, type, source, details, occurred_at)
            SELECT \(UUIDv7.make()), \(userId), \(event.id), \(event.type), \(event.source), \(event.data), \(event.occurredAt)
            WHERE EXISTS (SELECT 1 FROM profiles WHERE id = \(userId))
            ON CONFLICT (event_id) DO NOTHING
            """)
    }
}
