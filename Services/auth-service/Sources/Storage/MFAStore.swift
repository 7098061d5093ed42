import Foundation
import Shared

/// Time-based one-time codes as a second factor, with single-use recovery codes: the secret
/// sealed in `users`, the codes hashed in `recovery_codes`, sign-ins halfway in `mfa_challenges`.
struct MFAStore: Sendable {
    let database: Database
    let outbox: Outbox
    let settings: AuthSettings

    /// A new secret and recovery codes; MFA turns on only once a first code confirms the secret.
    func setup(userId: UUID) async throws -> MFASetup {
        let (key, codes) = MFASetup.makeSecrets()
        let email: String = try await database.transaction { transaction in
            guard let account = try await AccountStore.find(id: userId, in: transaction, lock: true) else {
                throw Problem.notFound("account", id: userId)
            }
            guard !account.mfaEnabled else { throw Problem.conflict("mfa_already_enabled", "MFA is already on for this account") }
            try await transaction.execute("""
                UPDATE users SET mfa_pending_secret = \(try Sealing.seal(key, with: settings.keyEncryptionKey)) WHERE id = \(userId)
                """)
            try await transaction.execute("DELETE FROM recovery_codes WHERE user_id = \(userId)")
            for code in codes {
                try await transaction.execute("INSERT INTO recovery_codes (user_id, code_hash) VALUES (\(userId), \(SecretToken.hash(code)))")
            }
            return account.email
        }
        let secret = TOTP.base32(key)
        return MFASetup(secret: secret, otpauthUri: TOTP.provisioningURI(secret: secret, account: email), recoveryCodes: codes)
    }

    func confirmSetup(userId: UUID, code: String) async throws {
        try await database.transaction { transaction in
            guard let account = try await AccountStore.find(id: userId, in: transaction, lock: true),
                  let sealed = account.mfaPendingSecret else {
                throw Problem.conflict("mfa_not_set_up", "start with POST /auth/mfa/setup")
            }
            let key = try Sealing.open(sealed, with: settings.keyEncryptionKey)
            guard let step = TOTP.matchingStep(for: code, key: key), step > account.mfaLastStep else { throw AuthProblem.invalidCode() }
            try await transaction.execute("""
                UPDATE users SET mfa_secret = mfa_pending_secret, mfa_pending_secret = NULL, mfa_enabled = true,
                    mfa_last_step = \(step), updated_at = now() WHERE id = \(userId)
                """)
            try await outbox.publish("user.mfa_enabled", subject: userId.lowercasedText,
                                     data: ["userId": userId.lowercasedText], in: transaction)
        }
    }

    /// The proof that the password was right, valid for five minutes and one use.
    func challenge(_ account: Account, client: ClientInfo) async throws -> String {
        let token = SecretToken.make()
        try await database.execute("""
            INSERT INTO mfa_challenges (token_hash, user_id, ip, user_agent, expires_at)
            VALUES (\(SecretToken.hash(token)), \(account.id), \(client.ip), \(client.userAgent), now() + interval '5 minutes')
            """)
        return token
    }

    private enum Outcome {
        case signedIn(TokenPair)
        case wrongCode(Account)
        case invalidChallenge
    }

    /// The second step: a current TOTP code (each time step once) or an unused recovery code.
    func completeLogin(mfaToken: String, code: String, client: ClientInfo, sessions: Sessions, guardian: LoginGuard) async throws -> TokenPair {
        let outcome: Outcome = try await database.transaction { transaction in
            guard let userId: UUID = try await transaction.queryFirst("""
                SELECT user_id FROM mfa_challenges
                WHERE token_hash = \(SecretToken.hash(mfaToken)) AND used_at IS NULL AND expires_at > now() FOR UPDATE
                """)?.decode(at: 0),
                let account = try await AccountStore.find(id: userId, in: transaction, lock: true),
                let sealed = account.mfaSecret
            else { return .invalidChallenge }
            try guardian.checkAccount(account)
            let key = try Sealing.open(sealed, with: settings.keyEncryptionKey)
            let trimmed = code.trimmingCharacters(in: .whitespaces).lowercased()
            var method = "mfa"
            if let step = TOTP.matchingStep(for: trimmed, key: key), step > account.mfaLastStep {
                try await transaction.execute("UPDATE users SET mfa_last_step = \(step) WHERE id = \(userId)")
            } else if try await transaction.execute("""
                UPDATE recovery_codes SET used_at = now()
                WHERE user_id = \(userId) AND code_hash = \(SecretToken.hash(trimmed)) AND used_at IS NULL
                """) == 1 {
                method = "recovery_code"
            } else {
                return .wrongCode(account)
            }
            try await transaction.execute("UPDATE mfa_challenges SET used_at = now() WHERE token_hash = \(SecretToken.hash(mfaToken))")
            return .signedIn(try await sessions.start(for: account, method: method, client: client, in: transaction))
        }
        switch outcome {
        case .signedIn(let pair):
            return pair
        case .wrongCode(let account):
            try await guardian.recordFailure(account: account, ip: client.ip)
            throw AuthProblem.invalidCode()
        case .invalidChallenge:
            throw AuthProblem.invalidToken("MFA")
        }
    }
}
