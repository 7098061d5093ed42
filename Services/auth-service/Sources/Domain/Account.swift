import Foundation
import Hummingbird
import Shared

/// An account as this service keeps it.
struct Account: Sendable {
    let id: UUID
    let email: String
    let name: String
    let passwordHash: String?
    let emailVerified: Bool
    let roles: [String]
    let mfaEnabled: Bool
    let mfaSecret: Data?
    let mfaPendingSecret: Data?
    let mfaLastStep: Int64
    let failedLogins: Int
    let lockedUntil: Date?
    let createdAt: Date

    static let columns: SQL = """
        id, email, name, password_hash, email_verified, roles, mfa_enabled, mfa_secret, mfa_pending_secret,
        mfa_last_step, failed_logins, locked_until, created_at
        """

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        email = try row.decode("email")
        name = try row.decode("name")
        passwordHash = try row.decode("password_hash")
        emailVerified = try row.decode("email_verified")
        roles = try row.decode("roles")
        mfaEnabled = try row.decode("mfa_enabled")
        mfaSecret = try row.decode("mfa_secret")
        mfaPendingSecret = try row.decode("mfa_pending_secret")
        mfaLastStep = try row.decode("mfa_last_step")
        failedLogins = try row.decode("failed_logins")
        lockedUntil = try row.decode("locked_until")
        createdAt = try row.decode("created_at")
    }

    /// What clients see of an account.
    var view: AccountView {
        AccountView(id: id, email: email, name: name, emailVerified: emailVerified, roles: roles, mfaEnabled: mfaEnabled, createdAt: createdAt)
    }
}

struct AccountView: ResponseEncodable, Sendable {
    let id: UUID
    let email: String
    let name: String
    let emailVerified: Bool
    let roles: [String]
    let mfaEnabled: Bool
    let createdAt: Date
}

/// Reading accounts.
struct Accounts: Sendable {
    let database: Database

    func find(email: String) async throws -> Account? {
        try await database.queryFirst("SELECT \(Account.columns) FROM users WHERE lower(email) = lower(\(email))").map(Account.init)
    }

    func find(id: UUID) async throws -> Account? {
        try await database.queryFirst("SELECT \(Account.columns) FROM users WHERE id = \(id)").map(Account.init)
    }

    static func find(id: UUID, in transaction: Transaction, lock: Bool = false) async throws -> Account? {
        let locking: SQL = lock ? "FOR UPDATE" : ""
        return try await transaction.queryFirst("SELECT \(Account.columns) FROM users WHERE id = \(id) \(locking)").map(Account.init)
    }
}
