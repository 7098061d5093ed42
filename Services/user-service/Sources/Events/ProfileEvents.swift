import Foundation

/// The payloads of the events user-service publishes: `user.profile_updated`, `user.deleted`
/// and `user.roles_changed`.
enum ProfileEvents {
    struct ProfileUpdated: Encodable {
        let userId: UUID
        let name: String
        let headline: String
        let avatarUrl: String?

        init(_ profile: Profile) {
            userId = profile.id
            name = profile.name
            headline = profile.headline
            avatarUrl = profile.avatarUrl
        }
    }

    struct Deleted: Encodable {
        let userId: UUID
        let deletedBy: String
    }

    struct RolesChanged: Encodable {
        let userId: UUID
        let roles: [String]
        let changedBy: String
    }
}
