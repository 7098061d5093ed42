import Foundation
import Hummingbird
import Shared

/// Reading, editing and erasing a profile. A user sees and edits only their own; admins all.
struct ProfileRoutes: Sendable {
    let profiles: ProfileStore

    func add(to group: RouterGroup<AppRequestContext>) {
        group.get("/users/me") { _, context in
            try await profiles.require(try context.requireUser().userId)
        }
        group.get("/users/:id") { _, context in
            let id = try context.parameters.require("id", as: UUID.self)
            _ = try context.requireOwnerOrAdmin(id)
            return try await profiles.require(id)
        }
        group.put("/users/:id") { request, context in
            let id = try context.parameters.require("id", as: UUID.self)
            _ = try context.requireOwnerOrAdmin(id)
            let change = try await request.decode(as: ProfileUpdate.self, context: context).validated()
            return try await profiles.update(id, with: change)
        }
        group.delete("/users/:id") { _, context -> HTTPResponse.Status in
            let id = try context.parameters.require("id", as: UUID.self)
            let caller = try context.requireOwnerOrAdmin(id)
            // GDPR erasure; auth-service hears `user.deleted`, erases the credentials and ends the sessions.
            try await profiles.erase(id, deletedBy: caller.subject)
            return .noContent
        }
    }
}

extension Profile: ResponseEncodable {}
