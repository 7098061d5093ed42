import AsyncHTTPClient
import HTTPTypes
import Foundation
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1
import Shared

/// An OAuth 2.0 sign-in provider (authorization code flow with PKCE). Endpoints are settings so
/// tests and other deployments can point them elsewhere; the defaults are the real providers'.
struct OAuthProvider: Sendable {
    enum Kind: String, Sendable { case google, github }

    let kind: Kind
    let clientId: String
    let clientSecret: String
    let authorizeURL: String
    let tokenURL: String
    /// Google's userinfo endpoint, or GitHub's API base.
    let identityURL: String

    var scope: String { kind == .google ? "openid email profile" : "read:user user:email" }

    /// The providers that have a client id configured (`GOOGLE_CLIENT_ID`, `GITHUB_CLIENT_ID`, …).
    static func configured(settings: Settings) throws -> [String: OAuthProvider] {
        var providers: [String: OAuthProvider] = [:]
        let defaults: [(Kind, String, String, String)] = [
            (.google, "https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token",
             "https://openidconnect.googleapis.com/v1/userinfo"),
            (.github, "https://github.com/login/oauth/authorize", "https://github.com/login/oauth/access_token",
             "https://api.github.com"),
        ]
        for (kind, authorize, token, identity) in defaults {
            let prefix = kind.rawValue.uppercased()
            guard let clientId = settings.raw("\(prefix)_CLIENT_ID") else { continue }
            providers[kind.rawValue] = OAuthProvider(
                kind: kind, clientId: clientId,
                clientSecret: try settings.requiredString("\(prefix)_CLIENT_SECRET", secret: true),
                authorizeURL: try settings.url("\(prefix)_AUTHORIZE_URL", default: authorize).absoluteString,
                tokenURL: try settings.url("\(prefix)_TOKEN_URL", default: token).absoluteString,
                identityURL: try settings.url(kind == .google ? "GOOGLE_USERINFO_URL" : "GITHUB_API_URL", default: identity)
                    .absoluteString.trimmingSuffix("/"))
        }
        return providers
    }

    /// Who the provider says the user is.
    struct Identity: Sendable {
        let subject: String
        let email: String
        let emailVerified: Bool
        let name: String
    }

    /// Exchanges the code (with the PKCE verifier) for a token and reads the user's identity.
    func identity(code: String, redirectURI: String, codeVerifier: String, client: HTTPClient) async throws -> Identity {
        let form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
                    ("client_id", clientId), ("client_secret", clientSecret), ("code_verifier", codeVerifier)]
        var request = HTTPClientRequest(url: tokenURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: Self.formEncoded(form)))
        let token = try await Self.json(client.execute(request, timeout: .seconds(10)))
        guard let accessToken = token["access_token"] as? String else { throw Self.failure("gave no access token") }

        switch kind {
        case .google:
            let info = try await get(identityURL, token: accessToken, client: client) as? [String: Any] ?? [:]
            guard let subject = info["sub"] as? String, let email = info["email"] as? String else {
                throw Self.failure("gave no subject or email")
            }
            return Identity(subject: subject, email: email, emailVerified: info["email_verified"] as? Bool ?? false,
                            name: info["name"] as? String ?? email)
        case .github:
            let user = try await get(identityURL + "/user", token: accessToken, client: client) as? [String: Any] ?? [:]
            let emails = try await get(identityURL + "/user/emails", token: accessToken, client: client) as? [[String: Any]] ?? []
            guard let id = user["id"].map({ "\($0)" }) else { throw Self.failure("gave no user id") }
            let primary = emails.first { $0["primary"] as? Bool == true && $0["verified"] as? Bool == true }
                ?? emails.first { $0["verified"] as? Bool == true }
            guard let email = (primary ?? emails.first)?["email"] as? String else { throw Self.failure("gave no email") }
            return Identity(subject: id, email: email, emailVerified: primary != nil,
                            name: user["name"] as? String ?? user["login"] as? String ?? email)
        }
    }

    private func get(_ url: String, token: String, client: HTTPClient) async throws -> Any {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "azora-auth-service")
        let response = try await client.execute(request, timeout: .seconds(10))
        guard response.status == .ok else { throw Self.failure("answered \(response.status.code) at \(url)") }
        return try JSONSerialization.jsonObject(with: Data(buffer: try await response.body.collect(upTo: 1 << 20)))
    }

    private static func json(_ response: HTTPClientResponse) async throws -> [String: Any] {
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok,
              let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        else { throw failure("refused the code (\(response.status.code))") }
        return object
    }

    static func formEncoded(_ pairs: [(String, String)]) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }

    static func failure(_ what: String) -> Problem {
        Problem(.badGateway, code: "oauth_provider_failed", detail: "the sign-in provider \(what)")
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
