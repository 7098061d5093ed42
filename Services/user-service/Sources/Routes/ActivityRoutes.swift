import Foundation
import Hummingbird
import Shared

/// A user's activity timeline and the statistics drawn from it; the owner's or an admin's.
struct ActivityRoutes: Sendable {
    let activity: ActivityLog
    let profiles: ProfileStore

    struct Position: Codable {
        let occurredAt: Date
        let id: UUID
    }

    func add(to group: RouterGroup<AppRequestContext>) {
        group.get("/users/:id/activity") { request, context in
            let id = try context.parameters.require("id", as: UUID.self)
            _ = try context.requireOwnerOrAdmin(id)
            _ = try await profiles.require(id)
            let page = try PageRequest(request, defaultLimit: 50, maxLimit: 200)
            let after = try page.decodeCursor(Position.self)
            let type = request.uri.queryParameters["type"].map(String.init)
            let entries = try await activity.entries(of: id, type: type, after: after.map { ($0.occurredAt, $0.id) }, limit: page.limit + 1)
            return Page(items: entries, limit: page.limit) { Position(occurredAt: $0.occurredAt, id: $0.id) }
        }
        group.get("/users/:id/stats") { _, context in
            let id = try context.parameters.require("id", as: UUID.self)
            _ = try context.requireOwnerOrAdmin(id)
            guard let stats = try await activity.stats(of: id) else { throw Problem.notFound("user", id: id) }
            return stats
        }
    }
}

extension UserStats: ResponseEncodable {}
