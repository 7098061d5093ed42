import Foundation
import Hummingbird
import Shared

/// `GET/PUT /users/{id}/preferences`: the owner's or an admin's. A profile without saved
/// preferences has the defaults.
struct PreferenceRoutes: Sendable {
    let preferences: PreferenceStore

    func add(to group: RouterGroup<AppRequestContext>) {
        group.get("/users/:id/preferences") { _, context in
            let id = try context.parameters.require("id", as: UUID.self)
            _ = try context.requireOwnerOrAdmin(id)
            return try await preferences.current(of: id)
        }
        group.put("/users/:id/preferences") { request, context in
            let id = try context.parameters.require("id", as: UUID.self)
            _ = try context.requireOwnerOrAdmin(id)
            let change = try await request.decode(as: Preferences.Change.self, context: context)
            try change.validate()
            return try await preferences.change(of: id, with: change)
        }
    }
}

extension Preferences: ResponseEncodable {}
