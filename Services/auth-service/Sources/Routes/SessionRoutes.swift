import Foundation
import Hummingbird
import Shared

/// A signed-in user's own sessions and MFA setup.
struct SessionRoutes: Sendable {
    let database: Database
    let sessions: Sessions
    let mfa: MFA

    func add(to group: RouterGroup<AppRequestContext>) {
        group.get("/auth/sessions") { request, context in
            let (_, userId) = try context.requireUser()
            let page = try PageRequest(request)
            let after = try page.decodeCursor(UUID.self)
            let rows = try await database.query("""
                SELECT id, method, ip, user_agent, created_at, last_used_at, expires_at FROM sessions
                WHERE user_id = \(userId) AND ended_at IS NULL AND expires_at > now()
                  AND (\(after)::uuid IS NULL OR id < \(after))
                ORDER BY id DESC LIMIT \(page.limit + 1)
                """)
            let items = try rows.map { row in
                SessionView(id: try row.decode("id"), method: try row.decode("method"), ip: try row.decode("ip"),
                            userAgent: try row.decode("user_agent"), createdAt: try row.decode("created_at"),
                            lastUsedAt: try row.decode("last_used_at"), expiresAt: try row.decode("expires_at"))
            }
            return Page(items: items, limit: page.limit) { $0.id }
        }
        group.delete("/auth/sessions/:id") { _, context -> HTTPResponse.Status in
            let (_, userId) = try context.requireUser()
            let id = try context.parameters.require("id", as: UUID.self)
            let ended = try await database.transaction { transaction in
                try await transaction.execute("""
                    UPDATE sessions SET ended_at = now(), end_reason = 'ended_by_user'
                    WHERE id = \(id) AND user_id = \(userId) AND ended_at IS NULL
                    """)
            }
            // Another user's session is as unknown as a missing one.
            guard ended == 1 else { throw Problem.notFound("session", id: id) }
            return .noContent
        }
        group.post("/auth/mfa/setup") { _, context in
            let (_, userId) = try context.requireUser()
            return try await mfa.setup(userId: userId)
        }
    }

    struct SessionView: Encodable, Sendable {
        let id: UUID
        let method: String
        let ip: String?
        let userAgent: String?
        let createdAt: Date
        let lastUsedAt: Date
        let expiresAt: Date
    }
}
