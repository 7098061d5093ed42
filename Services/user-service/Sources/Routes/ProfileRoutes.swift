import Foundation
import Hummingbird
import Shared

/// Reading, editing and erasing a profile. A user sees and edits only their own; admins all.
struct ProfileRoutes: Sendable {
    let database: Database
    let profiles: Profiles
    let outbox: Outbox
    let janitor: ObjectJanitor

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
            return try await database.transaction { transaction in
                let profile = try await profiles.update(id, with: change, in: transaction)
                try await outbox.publish("user.profile_updated", subject: id.lowercasedText, data: ProfileUpdated(
                    userId: id, name: profile.name, headline: profile.headline, avatarUrl: profile.avatarUrl), in: transaction)
                return profile
            }
        }
        group.delete("/users/:id") { _, context -> HTTPResponse.Status in
            let id = try context.parameters.require("id", as: UUID.self)
            let caller = try context.requireOwnerOrAdmin(id)
            try await erase(id, by: caller)
            return .noContent
        }
    }

    /// GDPR erasure: the profile, its preferences, activity and avatar go; a tombstone keeps a
    /// late `user.registered` from bringing it back; `user.deleted` tells the fleet (auth-service
    /// erases the credentials and ends the sessions).
    func erase(_ id: UUID, by caller: Principal) async throws {
        try await database.transaction { transaction in
            guard let row = try await transaction.queryFirst("DELETE FROM profiles WHERE id = \(id) RETURNING avatar_key") else {
                throw Problem.notFound("user", id: id)
            }
            if let avatarKey: String = try row.decode(at: 0) { try await janitor.queue(avatarKey, in: transaction) }
            try await transaction.execute("INSERT INTO deleted_profiles (id) VALUES (\(id)) ON CONFLICT DO NOTHING")
            try await outbox.publish("user.deleted", subject: id.lowercasedText,
                                     data: Deleted(userId: id, deletedBy: caller.subject), in: transaction)
        }
    }

    struct ProfileUpdated: Encodable {
        let userId: UUID
        let name: String
        let headline: String
        let avatarUrl: String?
    }

    struct Deleted: Encodable {
        let userId: UUID
        let deletedBy: String
    }
}
