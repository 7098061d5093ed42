import Foundation
import Shared

/// Accounts in `users`, and the single-use email tokens that verify an address or reset a
/// password. Every change publishes its event and queues its mail in the same transaction.
struct AccountStore: Sendable {
    let database: Database
    let outbox: Outbox
    let mail: MailQueue
    let sessions: Sessions
    /// Where links in emails point.
    let appURL: String

    /// The account with this email, in any case.
    func find(email: String) async throws -> Account? {
        try await database.queryFirst("SELECT \(Account.columns) FROM users WHERE lower(email) = lower(\(email))").map(Account.init)
    }

    func find(id: UUID) async throws -> Account? {
        try await database.queryFirst("SELECT \(Account.columns) FROM users WHERE id = \(id)").map(Account.init)
    }

    /// The account in a transaction, locked for its rest when `lock` is set.
    static func find(id: UUID, in transaction: Transaction, lock: Bool = false) async throws -> Account? {
        let locking: SQL = lock ? "FOR UPDATE" : ""
        return try await transaction.queryFirst("SELECT \(Account.columns) FROM users WHERE id = \(id) \(locking)").map(Account.init)
    }

    /// Creates an account, announces it, and for an unverified email sends the verification mail.
    /// - Returns: `nil` when the email is taken.
    func create(email: String, name: String, passwordHash: String?, verified: Bool, roles: [String]) async throws -> Account? {
        try await database.transaction { transaction in
            guard let row = try await transaction.queryFirst("""
                INSERT INTO users (id, email, name, password_hash, email_verified, roles)
                VALUES (\(UUIDv7.make()), \(email), \(name), \(passwordHash), \(verified), \(roles))
                ON CONFLICT DO NOTHING RETURNING \(Account.columns)
                """) else { return nil }
            let account = try Account(row: row)
            try await outbox.publish("user.registered", subject: account.id.lowercasedText, data: AccountEvents.Registered(
                userId: account.id, email: account.email, name: account.name, emailVerified: account.emailVerified,
                roles: account.roles, registeredAt: account.createdAt), in: transaction)
            if !verified {
                let token = try await issueEmailToken(for: account.id, purpose: "verify_email", lifetime: 86_400, in: transaction)
                try await mail.enqueue(AccountMail.verification(to: account, token: token, appURL: appURL), in: transaction)
            }
            return account
        }
    }

    /// Marks the email of the token's account verified, using the token up.
    /// - Returns: false when the token is unknown, used or expired.
    func verifyEmail(token: String) async throws -> Bool {
        try await database.transaction { transaction in
            guard let userId = try await Self.consumeEmailToken(token, purpose: "verify_email", in: transaction),
                  let row = try await transaction.queryFirst("""
                    UPDATE users SET email_verified = true, updated_at = now() WHERE id = \(userId) RETURNING email
                    """) else { return false }
            try await outbox.publish("user.email_verified", subject: userId.lowercasedText,
                                     data: AccountEvents.EmailVerified(userId: userId, email: try row.decode(at: 0)), in: transaction)
            return true
        }
    }

    /// Mails a password-reset link to the account with this email, if there is one.
    func requestPasswordReset(email: String) async throws {
        try await database.transaction { transaction in
            guard let row = try await transaction.queryFirst("SELECT \(Account.columns) FROM users WHERE lower(email) = lower(\(email))")
            else { return }
            let account = try Account(row: row)
            let token = try await issueEmailToken(for: account.id, purpose: "reset_password", lifetime: 3600, in: transaction)
            try await mail.enqueue(AccountMail.passwordReset(to: account, token: token, appURL: appURL), in: transaction)
        }
    }

    /// Sets the new password of the token's account, clears its lock and ends every session.
    /// - Returns: false when the token is unknown, used or expired.
    func resetPassword(token: String, passwordHash: String) async throws -> Bool {
        try await database.transaction { transaction in
            guard let userId = try await Self.consumeEmailToken(token, purpose: "reset_password", in: transaction) else { return false }
            try await transaction.execute("""
                UPDATE users SET password_hash = \(passwordHash), failed_logins = 0, locked_until = NULL, updated_at = now()
                WHERE id = \(userId)
                """)
            try await sessions.endAll(userId: userId, reason: "password_reset", in: transaction)
            try await outbox.publish("user.password_changed", subject: userId.lowercasedText,
                                     data: ["userId": userId.lowercasedText], in: transaction)
            return true
        }
    }

    /// Marks the account's email verified (a sign-in provider vouched for it).
    func markEmailVerified(_ id: UUID) async throws {
        try await database.execute("UPDATE users SET email_verified = true WHERE id = \(id)")
    }

    /// The roles user-service granted; the next access token carries them.
    func setRoles(_ roles: [String], of id: UUID, in transaction: Transaction) async throws {
        try await transaction.execute("UPDATE users SET roles = \(roles), updated_at = now() WHERE id = \(id)")
    }

    /// GDPR erasure: credentials, MFA, OAuth links, tokens and sessions all go with the row.
    func erase(_ id: UUID, in transaction: Transaction) async throws {
        try await transaction.execute("DELETE FROM users WHERE id = \(id)")
    }

    private func issueEmailToken(for userId: UUID, purpose: String, lifetime: Int, in transaction: Transaction) async throws -> String {
        let token = SecretToken.make()
        try await transaction.execute("""
            INSERT INTO email_tokens (token_hash, user_id, purpose, expires_at)
            VALUES (\(SecretToken.hash(token)), \(userId), \(purpose), now() + make_interval(secs => \(lifetime)))
            """)
        return token
    }

    /// Uses up an email token; returns its user, or nil when unknown, used or expired.
    private static func consumeEmailToken(_ token: String, purpose: String, in transaction: Transaction) async throws -> UUID? {
        try await transaction.queryFirst("""
            UPDATE email_tokens SET used_at = now()
            WHERE token_hash = \(SecretToken.hash(token)) AND purpose = \(purpose) AND used_at IS NULL AND expires_at > now()
            RETURNING user_id
            """)?.decode(at: 0)
    }
}
