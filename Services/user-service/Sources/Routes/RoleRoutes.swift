import Foundation
import Hummingbird
import Shared

/// `PUT /users/{id}/roles {roles}`: admins grant and withdraw `instructor` and `admin`. Every
/// account keeps `student`. auth-service hears `user.roles_changed` and puts the new roles in
/// the user's next access token.
struct RoleRoutes: Sendable {
    let database: Database
    let profiles: Profiles
    let outbox: Outbox

    struct Change: Decodable { let roles: [String] }

    struct RolesChanged: Encodable {
        let userId: UUID
        let roles: [String]
        let changedBy: String
    }

    func add(to group: RouterGroup<AppRequestContext>) {
        group.put("/users/:id/roles") { request, context in
            let id = try context.parameters.require("id", as: UUID.self)
            let admin = try context.requireRole(.admin)
            let change = try await request.decode(as: Change.self, context: context)
            let unknown = change.roles.filter { !SearchRoutes.roles.contains($0) }
            guard unknown.isEmpty else {
                throw Problem.invalid("roles", "unknown role \(unknown[0]); roles are \(SearchRoutes.roles.joined(separator: ", "))")
            }
            let roles = Array(Set(change.roles + ["student"])).sorted()
            if admin.userId == id && !roles.contains("admin") {
                throw Problem.conflict("last_admin_guard", "an admin cannot withdraw their own admin role; another admin must")
            }
            return try await database.transaction { transaction in
                let before = try await profiles.lock(id, in: transaction)
                guard let row = try await transaction.queryFirst(
                    "UPDATE profiles SET roles = \(roles), updated_at = now() WHERE id = \(id) RETURNING \(Profile.columns)")
                else { throw Problem.notFound("user", id: id) }
                if Set(before.roles) != Set(roles) {
                    try await outbox.publish("user.roles_changed", subject: id.lowercasedText,
                                             data: RolesChanged(userId: id, roles: roles, changedBy: admin.subject), in: transaction)
                }
                return try Profile(row: row)
            }
        }
    }
}
