import Foundation
import Hummingbird
import Mail
import PasswordHashing
import Shared

/// Registration, email verification and the password-reset flow.
struct AccountRoutes: Sendable {
    let database: Database
    let outbox: Outbox
    let mail: MailQueue
    let sessions: Sessions
    let hasher: PasswordHasher
    let settings: AuthSettings

    func add(to router: Router<AppRequestContext>) {
        router.post("/auth/register") { request, context in try await register(request, context) }
        router.post("/auth/verify-email") { request, context in try await verifyEmail(request, context) }
        router.post("/auth/forgot-password") { request, context in try await forgotPassword(request, context) }
        router.post("/auth/reset-password") { request, context in try await resetPassword(request, context) }
    }

    struct Registration: Decodable {
        let email: String
        let password: String
        let name: String
    }

    func register(_ request: Request, _ context: AppRequestContext) async throws -> EditedResponse<AccountView> {
        let input = try await request.decode(as: Registration.self, context: context)
        let email = try Credentials.email(input.email)
        let name = try Credentials.name(input.name)
        try Credentials.checkPassword(input.password)
        let hash = try await hasher.hash(input.password)
        let account = try await create(email: email, name: name, passwordHash: hash, verified: false, roles: ["student"])
        guard let account else { throw Problem.conflict("email_taken", "an account with this email exists") }
        return EditedResponse(status: .created, response: account.view)
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
            try await outbox.publish("user.registered", subject: account.id.lowercasedText, data: Registered(
                userId: account.id, email: account.email, name: account.name, emailVerified: account.emailVerified,
                roles: account.roles, registeredAt: account.createdAt), in: transaction)
            if !verified {
                let token = try await issueEmailToken(for: account.id, purpose: "verify_email", lifetime: 86_400, in: transaction)
                try await mail.enqueue(MailMessage(
                    to: account.email, subject: "Verify your email address",
                    text: """
                        Welcome to Azora, \(account.name).

                        Confirm your email address: \(settings.publicAppURL)/verify-email?token=\(token)

                        Token: \(token)

                        The link works once, for 24 hours.
                        """), in: transaction)
            }
            return account
        }
    }

    func issueEmailToken(for userId: UUID, purpose: String, lifetime: Int, in transaction: Transaction) async throws -> String {
        let token = SecretToken.make()
        try await transaction.execute("""
            INSERT INTO email_tokens (token_hash, user_id, purpose, expires_at)
            VALUES (\(SecretToken.hash(token)), \(userId), \(purpose), now() + make_interval(secs => \(lifetime)))
            """)
        return token
    }

    /// Uses up an email token; returns its user, or nil when unknown, used or expired.
    static func consumeEmailToken(_ token: String, purpose: String, in transaction: Transaction) async throws -> UUID? {
        try await transaction.queryFirst("""
            UPDATE email_tokens SET used_at = now()
            WHERE token_hash = \(SecretToken.hash(token)) AND purpose = \(purpose) AND used_at IS NULL AND expires_at > now()
            RETURNING user_id
            """)?.decode(at: 0)
    }

    struct TokenInput: Decodable { let token: String }
    struct Verified: ResponseEncodable { let emailVerified: Bool }

    func verifyEmail(_ request: Request, _ context: AppRequestContext) async throws -> Verified {
        let input = try await request.decode(as: TokenInput.self, context: context)
        let verified: Bool = try await database.transaction { transaction in
            guard let userId = try await Self.consumeEmailToken(input.token, purpose: "verify_email", in: transaction),
                  let row = try await transaction.queryFirst("""
                    UPDATE users SET email_verified = true, updated_at = now() WHERE id = \(userId) RETURNING email
                    """) else { return false }
            try await outbox.publish("user.email_verified", subject: userId.lowercasedText,
                                     data: EmailVerified(userId: userId, email: try row.decode(at: 0)), in: transaction)
            return true
        }
        guard verified else { throw AuthProblem.invalidToken("verification") }
        return Verified(emailVerified: true)
    }

    struct EmailInput: Decodable { let email: String }

    /// Always 202, so the answer does not tell whether an account exists.
    func forgotPassword(_ request: Request, _ context: AppRequestContext) async throws -> HTTPResponse.Status {
        let input = try await request.decode(as: EmailInput.self, context: context)
        let email = try Credentials.email(input.email)
        try await database.transaction { transaction in
            guard let row = try await transaction.queryFirst("SELECT \(Account.columns) FROM users WHERE lower(email) = lower(\(email))")
            else { return }
            let account = try Account(row: row)
            let token = try await issueEmailToken(for: account.id, purpose: "reset_password", lifetime: 3600, in: transaction)
            try await mail.enqueue(MailMessage(
                to: account.email, subject: "Reset your Azora password",
                text: """
                    Hello \(account.name),

                    Someone asked to reset the password of your Azora account. To choose a new one:
                    \(settings.publicAppURL)/reset-password?token=\(token)

                    Token: \(token)

                    The link works once, for one hour. If it was not you, ignore this email.
                    """), in: transaction)
        }
        return .accepted
    }

    struct Reset: Decodable {
        let token: String
        let password: String
    }

    struct PasswordChanged: ResponseEncodable { let passwordChanged: Bool }

    /// Sets the new password and ends every session of the account.
    func resetPassword(_ request: Request, _ context: AppRequestContext) async throws -> PasswordChanged {
        let input = try await request.decode(as: Reset.self, context: context)
        try Credentials.checkPassword(input.password)
        let hash = try await hasher.hash(input.password)
        let changed: Bool = try await database.transaction { transaction in
            guard let userId = try await Self.consumeEmailToken(input.token, purpose: "reset_password", in: transaction) else { return false }
            try await transaction.execute("""
                UPDATE users SET password_hash = \(hash), failed_logins = 0, locked_until = NULL, updated_at = now()
                WHERE id = \(userId)
                """)
            try await sessions.endAll(userId: userId, reason: "password_reset", in: transaction)
            try await outbox.publish("user.password_changed", subject: userId.lowercasedText,
                                     data: ["userId": userId.lowercasedText], in: transaction)
            return true
        }
        guard changed else { throw AuthProblem.invalidToken("password reset") }
        return PasswordChanged(passwordChanged: true)
    }

    struct Registered: Encodable {
        let userId: UUID
        let email: String
        let name: String
        let emailVerified: Bool
        let roles: [String]
        let registeredAt: Date
    }

    struct EmailVerified: Encodable {
        let userId: UUID
        let email: String
    }
}
