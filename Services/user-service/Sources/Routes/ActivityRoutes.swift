import Foundation
import Hummingbird
import Shared

/// A user's activity timeline and the statistics drawn from it; the owner's or an admin's.
struct ActivityRoutes: Sendable {
    let database: Database
    let profiles: Profiles

    struct Entry: Encodable, Sendable {
        let id: UUID
        let type: String
        let source: String
        let details: JSONValue
        let occurredAt: Date
    }

    struct Position: Codable {
        let occurredAt: Date
        let id: UUID
    }

    struct Stats: ResponseEncodable, Sendable {
        let userId: UUID
        let memberSince: Date
        let lastLoginAt: Date?
        let loginCount: Int
        let coursesEnrolled: Int
        let coursesCompleted: Int
        let certificatesEarned: Int
        /// Days in the last 30 with any recorded activity.
        let activeDaysLast30: Int
    }

    func add(to group: RouterGroup<AppRequestContext>) {
        group.get("/users/:id/activity") { request, context in
            let id = try context.parameters.require("id", as: UUID.self)
            _ = try context.requireOwnerOrAdmin(id)
            _ = try await profiles.require(id)
            let page = try PageRequest(request, defaultLimit: 50, maxLimit: 200)
            let after = try page.decodeCursor(Position.self)
            let type = request.uri.queryParameters["type"].map(String.init)
            let rows = try await database.query("""
                SELECT id, type, source, details, occurred_at FROM activity
                WHERE user_id = \(id) AND (\(type)::text IS NULL OR type = \(type))
                  AND (\(after?.occurredAt)::timestamptz IS NULL OR (occurred_at, id) < (\(after?.occurredAt), \(after?.id)))
                ORDER BY occurred_at DESC, id DESC LIMIT \(page.limit + 1)
                """)
            let entries = try rows.map { row in
                Entry(id: try row.decode("id"), type: try row.decode("type"), source: try row.decode("source"),
                      details: try row.decode("details"), occurredAt: try row.decode("occurred_at"))
            }
            return Page(items: entries, limit: page.limit) { Position(occurredAt: $0.occurredAt, id: $0.id) }
        }
        group.get("/users/:id/stats") { _, context in
            let id = try context.parameters.require("id", as: UUID.self)
            _ = try context.requireOwnerOrAdmin(id)
            guard let row = try await database.queryFirst("""
                SELECT p.registered_at, p.last_login_at, p.login_count,
                       count(a.id) FILTER (WHERE a.type = 'enrollment.created')::int,
                       count(a.id) FILTER (WHERE a.type = 'enrollment.completed')::int,
                       count(a.id) FILTER (WHERE a.type = 'certificate.issued')::int,
                       count(DISTINCT date_trunc('day', a.occurred_at))
                           FILTER (WHERE a.occurred_at > now() - interval '30 days')::int
                FROM profiles p LEFT JOIN activity a ON a.user_id = p.id
                WHERE p.id = \(id) GROUP BY p.id
                """) else { throw Problem.notFound("user", id: id) }
            let (since, lastLogin, logins, enrolled, completed, certificates, activeDays) =
                try row.decode(Date.self, Date?.self, Int.self, Int.self, Int.self, Int.self, Int.self)
            return Stats(userId: id, memberSince: since, lastLoginAt: lastLogin, loginCount: logins, coursesEnrolled: enrolled,
                         coursesCompleted: completed, certificatesEarned: certificates, activeDaysLast30: activeDays)
        }
    }
}
