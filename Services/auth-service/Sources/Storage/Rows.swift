import Foundation
import Shared

extension Account {
    /// The columns `init(row:)` reads, from `users`.
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
}

extension Session {
    /// The columns `init(row:)` reads, from `sessions`.
    static let columns: SQL = "id, method, ip, user_agent, created_at, last_used_at, expires_at"

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        method = try row.decode("method")
        ip = try row.decode("ip")
        userAgent = try row.decode("user_agent")
        createdAt = try row.decode("created_at")
        lastUsedAt = try row.decode("last_used_at")
        expiresAt = try row.decode("expires_at")
    }
}
