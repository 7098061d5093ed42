import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import Shared

/// Sign-in with Google and GitHub: authorization code flow with state and PKCE (S256). An
/// identity is linked to an existing account only when the provider vouches for the email.
struct OAuthRoutes: Sendable {
    let oauth: OAuthStore
    let providers: [String: OAuthProvider]
    let accounts: AccountStore
    let sessions: Sessions
    let client: HTTPClient

    func add(to router: Router<AppRequestContext>) {
        router.get("/auth/oauth/:provider/authorize") { request, context in try await authorize(request, context) }
        router.get("/auth/oauth/:provider/callback") { request, context in try await callback(request, context) }
    }

    private func provider(_ context: AppRequestContext) throws -> OAuthProvider {
        let name = try context.parameters.require("provider")
        guard let provider = providers[name] else {
            throw Problem(.notFound, code: "oauth_provider_unknown", detail: "no sign-in provider \(name) is configured here")
        }
        return provider
    }

    func authorize(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let provider = try provider(context)
        guard let redirectURI = request.uri.queryParameters["redirectUri"].map(String.init),
              let url = URL(string: redirectURI), ["http", "https"].contains(url.scheme ?? ""), url.host != nil
        else { throw Problem.invalid("redirectUri", "must be the http(s) URL the provider sends the user back to") }
        let state = SecretToken.make()
        let verifier = SecretToken.make()
        let challenge = Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncodedString()
        try await oauth.saveState(state, provider: provider.kind.rawValue, codeVerifier: verifier, redirectURI: redirectURI)
        let query = OAuthProvider.formEncoded([
            ("response_type", "code"), ("client_id", provider.clientId), ("redirect_uri", redirectURI),
            ("scope", provider.scope), ("state", state), ("code_challenge", challenge), ("code_challenge_method", "S256"),
        ])
        return Response(status: .found, headers: [.location: provider.authorizeURL + "?" + query])
    }

    func callback(_ request: Request, _ context: AppRequestContext) async throws -> TokenPair {
        let provider = try provider(context)
        let query = request.uri.queryParameters
        guard let code = query["code"].map(String.init), !code.isEmpty else { throw Problem.invalid("code", "is required") }
        guard let state = query["state"].map(String.init), !state.isEmpty else { throw Problem.invalid("state", "is required") }
        guard let saved = try await oauth.takeState(state, provider: provider.kind.rawValue) else {
            throw AuthProblem.invalidToken("OAuth state")
        }
        let identity = try await provider.identity(code: code, redirectURI: saved.redirectURI, codeVerifier: saved.codeVerifier, client: client)
        let account = try await account(for: identity, provider: provider.kind.rawValue)
        let client = ClientInfo(request: request, context: context)
        return try await sessions.start(for: account, method: provider.kind.rawValue, client: client)
    }

    /// The linked account, else the account with the verified email (then linked), else a new one.
    private func account(for identity: OAuthProvider.Identity, provider: String) async throws -> Account {
        if let userId = try await oauth.linkedUser(provider: provider, subject: identity.subject),
           let account = try await accounts.find(id: userId) {
            return account
        }
        let email = try Credentials.email(identity.email)
        var account = try await accounts.find(email: email)
        if account != nil, !identity.emailVerified {
            throw Problem.conflict("oauth_email_unverified",
                                   "an account with this email exists, and \(provider) has not verified that the email is yours; sign in with your password")
        }
        if account == nil {
            account = try await accounts.create(email: email, name: identity.name, passwordHash: nil,
                                                verified: identity.emailVerified, roles: ["student"])
        }
        guard let account else { throw Problem.conflict("email_taken", "an account with this email was just created; try again") }
        try await oauth.link(provider: provider, subject: identity.subject, to: account.id)
        if identity.emailVerified && !account.emailVerified {
            try await accounts.markEmailVerified(account.id)
        }
        return account
    }
}
