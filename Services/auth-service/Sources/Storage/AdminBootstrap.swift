import Logging
import PasswordHashing
import Shared

/// The first admin account, from `ADMIN_EMAIL` and `ADMIN_PASSWORD`: created, verified, when no
/// account has that email; an existing account is left as it is.
struct AdminBootstrap: Sendable {
    let settings: AuthSettings
    let hasher: PasswordHasher
    let accounts: AccountStore
    let logger: Logger

    func run() async throws {
        guard let rawEmail = settings.adminEmail else { return }
        let email = try Credentials.email(rawEmail)
        guard try await accounts.find(email: email) == nil else { return }
        guard let password = settings.adminPassword else {
            throw SettingsError.missing("ADMIN_PASSWORD")
        }
        try Credentials.checkPassword(password, field: "ADMIN_PASSWORD")
        let hash = try await hasher.hash(password)
        if try await accounts.create(email: email, name: "Administrator", passwordHash: hash, verified: true, roles: ["student", "admin"]) != nil {
            logger.notice("created the first admin account", metadata: ["email": "\(email)"])
        }
    }
}
