import Foundation
import Hummingbird
import Shared

/// The public keys, their rotation, and tokens for the fleet's own services (client credentials).
struct KeyRoutes: Sendable {
    let keys: SigningKeys
    let sessions: Sessions
    let settings: AuthSettings

    func add(to router: Router<AppRequestContext>, signedIn: RouterGroup<AppRequestContext>) {
        router.get("/.well-known/jwks.json") { _, _ -> Response in
            let data = try JSONCoding.makeEncoder().encode(try await keys.jwks())
            return Response(status: .ok, headers: [.contentType: "application/jwk-set+json", .cacheControl: "public, max-age=60"],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        signedIn.post("/auth/keys/rotate") { _, context -> HTTPResponse.Status in
            _ = try context.requireRole(.admin)
            try await keys.rotate(force: true)
            return .noContent
        }
        router.post("/auth/token") { request, _ in try await clientCredentials(request) }
    }

    struct ServiceToken: ResponseEncodable {
        let access_token: String
        let token_type: String
        let expires_in: Int
    }

    /// OAuth 2.0 client credentials (RFC 6749 §4.4), with errors in the form §5.2 prescribes.
    func clientCredentials(_ request: Request) async throws -> Response {
        let body = String(buffer: try await request.body.collect(upTo: 8192))
        var form: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if parts.count == 2 { form[parts[0]] = parts[1] }
        }
        guard form["grant_type"] == "client_credentials" else {
            return Self.oauthError("unsupported_grant_type", status: .badRequest)
        }
        guard let id = form["client_id"], let secret = form["client_secret"], let expected = settings.serviceClients[id],
              SecretToken.constantTimeEquals(secret, expected)
        else { return Self.oauthError("invalid_client", status: .unauthorized) }
        let token = try await sessions.accessToken(subject: "service:\(id)", roles: ["service"])
        let data = try JSONEncoder().encode(ServiceToken(access_token: token, token_type: "Bearer", expires_in: settings.accessTokenLifetime))
        return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func oauthError(_ code: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: #"{"error":"\#(code)"}"#)))
    }
}
