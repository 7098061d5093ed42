import Foundation
import Hummingbird

/// What clients see of an account.
struct AccountView: ResponseEncodable, Sendable {
    let id: UUID
    let email: String
    let name: String
    let emailVerified: Bool
    let roles: [String]
    let mfaEnabled: Bool
    let createdAt: Date

    init(_ account: Account) {
        id = account.id
        email = account.email
        name = account.name
        emailVerified = account.emailVerified
        roles = account.roles
        mfaEnabled = account.mfaEnabled
        createdAt = account.createdAt
    }
}
