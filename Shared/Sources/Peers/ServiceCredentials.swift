import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1

/// A service's own credentials for calling its peers: short-lived access tokens from
/// auth-service's token endpoint (OAuth 2.0 client credentials, RFC 6749 §4.4), cached until
/// shortly before they expire. The client secret stays in this process; peers only ever see the
/// signed, expiring token.
public actor ServiceCredentials {
    private let tokenURL: String
    private let clientId: String
    private let clientSecret: String
    private let httpClient: HTTPClient
    private var cached: (token: String, renewAt: ContinuousClock.Instant)?
    private var fetching: Task<(String, Int), any Error>?

    /// Creates the credentials of one service.
    /// - Parameters:
    ///   - tokenURL: auth-service's token endpoint.
    ///   - clientId: the service's client id (its fleet name).
    ///   - clientSecret: its secret.
    public init(tokenURL: String, clientId: String, clientSecret: String, httpClient: HTTPClient = PeerHTTPClient.shared) {
        self.tokenURL = tokenURL
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.httpClient = httpClient
    }

    /// A valid access token, fetched when none is cached or the cached one is about to expire.
    /// - Throws: a 503 `Problem` when the token endpoint cannot be reached or refuses.
    public func token() async throws -> String {
        if let cached, ContinuousClock.now < cached.renewAt { return cached.token }
        if let fetching { return try await fetching.value.0 }
        let task = Task { try await self.fetch() }
        fetching = task
        defer { fetching = nil }
        let (token, lifetime) = try await task.value
        // Renewed when a fifth of its life (at most a minute) is left, so calls never carry a
        // token that expires on the way.
        let margin = min(60, max(1, lifetime / 5))
        cached = (token, .now + .seconds(max(1, lifetime - margin)))
        return token
    }

    /// Forgets the cached token (after a peer refused it).
    public func invalidate() {
        cached = nil
    }

    private struct TokenResponse: Decodable {
        let access_token: String
        let expires_in: Int
    }

    private func fetch() async throws -> (String, Int) {
        var request = HTTPClientRequest(url: tokenURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        let form = [("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", clientSecret)]
            .map { "\($0.0)=\(Self.formEncode($0.1))" }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: form))
        do {
            let response = try await httpClient.execute(request, timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 64 << 10)
            guard response.status == .ok else {
                throw Problem.unavailable("credentials_unavailable",
                                          "the token endpoint refused the service credentials (\(response.status.code))")
            }
            let decoded = try JSONDecoder().decode(TokenResponse.self, from: Data(buffer: body))
            return (decoded.access_token, decoded.expires_in)
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem.unavailable("credentials_unavailable", "the token endpoint cannot be reached", retryAfterSeconds: 1)
        }
    }

    private static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
