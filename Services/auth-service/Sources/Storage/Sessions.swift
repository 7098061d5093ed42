import Foundation
import Shared

/// Logins: a session per sign-in, holding the family of refresh tokens that rotate from it.
struct Sessions: Sendable {
    let database: Database
    let settings: AuthSettings
    let keys: SigningKeys
    let outbox: Outbox

    /// Starts a session in a transaction of its own.
    func start(for account: Account, method: String, client: ClientInfo) async throws -> TokenPair {
        try await database.transaction { transaction in
            try await start(for: account, method: method, client: client, in: transaction)
        }
    }

    /// Starts a session for a signed-in account and returns its first tokens.
    func start(for account: Account, method: String, client: ClientInfo, in transaction: Transaction) async throws -> TokenPair {
        // The account may have been erased since the password was checked: no session for it then.
        guard try await transaction.queryFirst("SELECT 1 FROM users WHERE id = \(account.id) FOR SHARE") != nil else {
            throw AuthProblem.invalidCredentials()
        }
        let sessionId = UUIDv7.make()
        try await transaction.execute("""
            INSERT INTO sessions (id, user_id, method, ip, user_agent, expires_at)
            VALUES (\(sessionId), \(account.id), \(method), \(client.ip), \(client.userAgent),
                    now() + make_interval(secs => \(settings.refreshTokenLifetime)))
            """)
        try await outbox.publish("user.logged_in", subject: account.id.lowercasedText, data: AccountEvents.LoggedIn(
            userId: account.id, sessionId: sessionId, method: method, ip: client.ip, userAgent: client.userAgent), in: transaction)
        return try await issue(sessionId: sessionId, account: account, in: transaction)
    }

    /// A new refresh token in the session's family, and an access token.
    private func issue(sessionId: UUID, account: Account, in transaction: Transaction) async throws -> TokenPair {
        let refreshToken = SecretToken.make()
        try await transaction.execute("""
            INSERT INTO refresh_tokens (token_hash, session_id) VALUES (\(SecretToken.hash(refreshToken)), \(sessionId))
            """)
        return TokenPair(accessToken: try await accessToken(for: account), refreshToken: refreshToken,
                         expiresIn: settings.accessTokenLifetime)
    }

    func accessToken(for account: Account) async throws -> String {
        try await accessToken(subject: account.id.lowercasedText, roles: account.roles)
    }

    func accessToken(subject: String, roles: [String]) async throws -> String {
        let now = Date()
        return try await keys.sign(AccessTokenClaims(
            subject: subject, roles: roles, issuedAt: now,
            expiresAt: now.addingTimeInterval(TimeInterval(settings.accessTokenLifetime)), issuer: settings.issuer))
    }

    private enum RefreshOutcome {
        case issued(TokenPair)
        case refused(String)
    }

    /// Rotates a refresh token. A token already rotated means a copy is in someone else's hands:
    /// the whole family is ended (committed before the refusal is answered).
    func refresh(_ token: String) async throws -> TokenPair {
        let outcome: RefreshOutcome = try await database.transaction { transaction in
            guard let row = try await transaction.queryFirst("""
                SELECT rt.session_id, rt.used_at, s.user_id, s.ended_at, s.expires_at
                FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id
                WHERE rt.token_hash = \(SecretToken.hash(token)) FOR UPDATE OF rt, s
                """) else { return .refused("the refresh token is unknown") }
            let (sessionId, usedAt, userId, endedAt, expiresAt) = try row.decode(UUID.self, Date?.self, UUID.self, Date?.self, Date.self)
            if endedAt != nil { return .refused("the session has ended") }
            if usedAt != nil {
                try await end(sessionId: sessionId, reason: "refresh_token_reuse", in: transaction)
                return .refused("the refresh token was already used; the session is ended in case it was stolen")
            }
            if expiresAt < Date() { return .refused("the session has expired") }
            guard let account = try await AccountStore.find(id: userId, in: transaction) else { return .refused("the account is gone") }
            try await transaction.execute("UPDATE refresh_tokens SET used_at = now() WHERE token_hash = \(SecretToken.hash(token))")
            try await transaction.execute("UPDATE sessions SET last_used_at = now() WHERE id = \(sessionId)")
            return .issued(try await issue(sessionId: sessionId, account: account, in: transaction))
        }
        switch outcome {
        case .issued(let pair): return pair
        case .refused(let reason): throw AuthProblem.refreshRefused(reason)
        }
    }

    func end(sessionId: UUID, reason: String, in transaction: Transaction) async throws {
        try await transaction.execute("""
            UPDATE sessions SET ended_at = now(), end_reason = \(reason) WHERE id = \(sessionId) AND ended_at IS NULL
            """)
    }

    func endAll(userId: UUID, reason: String, in transaction: Transaction) async throws {
        try await transaction.execute("""
            UPDATE sessions SET ended_at = now(), end_reason = \(reason) WHERE user_id = \(userId) AND ended_at IS NULL
            """)
    }

    /// Ends the session the refresh token belongs to, if any.
    func logout(refreshToken: String) async throws {
        try await database.transaction { transaction in
            if let sessionId: UUID = try await transaction.queryFirst(
                "SELECT session_id FROM refresh_tokens WHERE token_hash = \(SecretToken.hash(refreshToken))")?.decode(at: 0) {
                try await end(sessionId: sessionId, reason: "logout", in: transaction)
            }
        }
    }

    /// The user's live sessions, newest first, after the cursor's id.
    func list(userId: UUID, after: UUID?, limit: Int) async throws -> [Session] {
        try await database.query("""
            SELECT \(Session.columns) FROM sessions
            WHERE user_id = \(userId) AND ended_at IS NULL AND expires_at > now()
              AND (\(after)::uuid IS NULL OR id < \(after))
            ORDER BY id DESC LIMIT \(limit + 1)
            """).map(Session.init(row:))
    }

    /// Ends one of the user's own sessions.
    /// - Returns: false when the user has no such live session.
    func end(sessionId: UUID, ofUser userId: UUID) async throws -> Bool {
        try await database.execute("""
            UPDATE sessions SET ended_at = now(), end_reason = 'ended_by_user'
            WHERE id = \(sessionId) AND user_id = \(userId) AND ended_at IS NULL
            """) == 1
    }
}
