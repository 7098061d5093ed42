import Foundation
import Hummingbird
import PasswordHashing
import Shared

/// Signing in (password, then the second factor when MFA is on), refreshing and signing out.
struct LoginRoutes: Sendable {
    let accounts: AccountStore
    let sessions: Sessions
    let guardian: LoginGuard
    let hasher: PasswordHasher
    let mfa: MFAStore
    /// A hash of a random password, verified against when the email is unknown (or the account has
    /// no password), so that answer takes as long as a wrong password.
    let dummyHash: String

    /// - Parameter signedIn: routes that read an access token when one is sent (the MFA confirmation).
    func add(to router: Router<AppRequestContext>, signedIn: RouterGroup<AppRequestContext>) {
        router.post("/auth/login") { request, context in try await login(request, context) }
        signedIn.post("/auth/mfa/verify") { request, context in try await verifyMFA(request, context) }
        router.post("/auth/refresh-token") { request, context in
            let input = try await request.decode(as: RefreshInput.self, context: context)
            return try await sessions.refresh(input.refreshToken)
        }
        router.post("/auth/logout") { request, context -> HTTPResponse.Status in
            let input = try await request.decode(as: RefreshInput.self, context: context)
            try await sessions.logout(refreshToken: input.refreshToken)
            return .noContent
        }
    }

    struct LoginInput: Decodable {
        let email: String
        let password: String
    }

    struct RefreshInput: Decodable { let refreshToken: String }

    /// The answer to a correct password: tokens, or the MFA challenge.
    struct LoginAnswer: ResponseEncodable {
        var accessToken: String?
        var refreshToken: String?
        var tokenType: String?
        var expiresIn: Int?
        var mfaRequired: Bool?
        var mfaToken: String?
    }

    func login(_ request: Request, _ context: AppRequestContext) async throws -> LoginAnswer {
        let input = try await request.decode(as: LoginInput.self, context: context)
        let client = ClientInfo(request: request, context: context)
        try await guardian.checkAddress(client.ip)
        let account = try await accounts.find(email: input.email.trimmingCharacters(in: .whitespaces))
        if let account { try guardian.checkAccount(account) }
        let matches = try await hasher.verify(input.password, against: account?.passwordHash ?? dummyHash)
        guard let account, account.passwordHash != nil, matches else {
            try await guardian.recordFailure(account: account, ip: client.ip)
            throw AuthProblem.invalidCredentials()
        }
        try await guardian.recordSuccess(account)
        if account.mfaEnabled {
            let token = try await mfa.challenge(account, client: client)
            return LoginAnswer(mfaRequired: true, mfaToken: token)
        }
        let pair = try await sessions.start(for: account, method: "password", client: client)
        return LoginAnswer(accessToken: pair.accessToken, refreshToken: pair.refreshToken, tokenType: pair.tokenType, expiresIn: pair.expiresIn)
    }

    struct MFAEnabled: ResponseEncodable { let mfaEnabled: Bool }

    struct MFAInput: Decodable {
        let code: String
        let mfaToken: String?
    }

    /// With an mfaToken: the second step of a login. Without one, signed in: confirms MFA setup.
    func verifyMFA(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let input = try await request.decode(as: MFAInput.self, context: context)
        guard let mfaToken = input.mfaToken else {
            let (_, userId) = try context.requireUser()
            try await mfa.confirmSetup(userId: userId, code: input.code)
            return try MFAEnabled(mfaEnabled: true).response(from: request, context: context)
        }
        let client = ClientInfo(request: request, context: context)
        try await guardian.checkAddress(client.ip)
        let pair = try await mfa.completeLogin(mfaToken: mfaToken, code: input.code, client: client, sessions: sessions, guardian: guardian)
        return try pair.response(from: request, context: context)
    }
}

extension TokenPair: ResponseEncodable {}
