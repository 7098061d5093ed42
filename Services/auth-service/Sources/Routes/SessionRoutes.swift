import Foundation
import Hummingbird
import Shared

/// A signed-in user's own sessions and MFA setup.
struct SessionRoutes: Sendable {
    let sessions: Sessions
    let mfa: MFAStore

    func add(to group: RouterGroup<AppRequestContext>) {
        group.get("/auth/sessions") { request, context in
            let (_, userId) = try context.requireUser()
            let page = try PageRequest(request)
            let items = try await sessions.list(userId: userId, after: try page.decodeCursor(UUID.self), limit: page.limit)
            return Page(items: items, limit: page.limit) { $0.id }
        }
        group.delete("/auth/sessions/:id") { _, context -> HTTPResponse.Status in
            let (_, userId) = try context.requireUser()
            let id = try context.parameters.require("id", as: UUID.self)
            // Another user's session is as unknown as a missing one.
            guard try await sessions.end(sessionId: id, ofUser: userId) else { throw Problem.notFound("session", id: id) }
            return .noContent
        }
        group.post("/auth/mfa/setup") { _, context in
            let (_, userId) = try context.requireUser()
            return try await mfa.setup(userId: userId)
        }
    }
}

extension MFASetup: ResponseEncodable {}
