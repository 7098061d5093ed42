import Foundation
import Hummingbird
import Shared

/// `PUT /users/{id}/roles {roles}`: admins grant and withdraw `instructor` and `admin`. Every
/// account keeps `student`. auth-service hears `user.roles_changed` and puts the new roles in
/// the user's next access token.
struct RoleRoutes: Sendable {
    let profiles: ProfileStore

    struct Change: Decodable { let roles: [String] }

    func add(to group: RouterGroup<AppRequestContext>) {
        group.put("/users/:id/roles") { request, context in
            let id = try context.parameters.require("id", as: UUID.self)
            let admin = try context.requireRole(.admin)
            let change = try await request.decode(as: Change.self, context: context)
            let unknown = change.roles.filter { !UserSearch.roles.contains($0) }
            guard unknown.isEmpty else {
                throw Problem.invalid("roles", "unknown role \(unknown[0]); roles are \(UserSearch.roles.joined(separator: ", "))")
            }
            let roles = Array(Set(change.roles + ["student"])).sorted()
            if admin.userId == id && !roles.contains("admin") {
                throw Problem.conflict("last_admin_guard", "an admin cannot withdraw their own admin role; another admin must")
            }
            return try await profiles.setRoles(roles, of: id, changedBy: admin.subject)
        }
    }
}
