import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Shared
import Synchronization

/// A local stand-in for Google and GitHub that issues codes only for the PKCE challenge it was
/// shown and refuses a token request that differs from the standard in any part.
final class FakeOAuthProvider: Sendable {
    struct Grant: Sendable {
        let clientId: String
        let redirectURI: String
        let challenge: String
        let identity: [String: String]
    }

    private let grants = Mutex<[String: Grant]>([:])
    /// Every token request's form, in order, for the test to inspect.
    let tokenRequests = Mutex<[[String: String]]>([])
    let clientSecret = "provider-secret"

    /// The user approved: the code the provider sends back, tied to the authorize request's parameters.
    func approve(authorizeQuery query: [String: String], identity: [String: String]) -> String {
        let code = "code-\(UUID().uuidString)"
        grants.withLock {
            $0[code] = Grant(clientId: query["client_id"] ?? "", redirectURI: query["redirect_uri"] ?? "",
                             challenge: query["code_challenge"] ?? "", identity: identity)
        }
        return code
    }

    func run(_ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/token") { request, _ in try await self.token(request) }
        router.get("/userinfo") { request, _ in try self.identity(request).jsonResponse(["sub", "email", "name"], verified: "email_verified") }
        router.get("/user") { request, _ in
            let identity = try self.identity(request)
            return Self.json(["id": Int(identity["sub"] ?? "") ?? 0, "login": identity["login"] ?? "", "name": identity["name"] ?? ""])
        }
        router.get("/user/emails") { request, _ in
            let identity = try self.identity(request)
            return Self.json([["email": identity["email"] ?? "", "primary": true, "verified": identity["email_verified"] == "true"]])
        }
        try await Application(router: router).testLive { client in
            try await body("http://localhost:\(client.port!)")
        }
    }

    private func token(_ request: Request) async throws -> Response {
        let text = String(buffer: try await request.body.collect(upTo: 1 << 16))
        var form: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
            form[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        tokenRequests.withLock { $0.append(form) }
        guard request.headers[.contentType] == "application/x-www-form-urlencoded", form["grant_type"] == "authorization_code",
              let code = form["code"], let grant = grants.withLock({ $0.removeValue(forKey: code) }),
              form["client_id"] == grant.clientId, form["client_secret"] == clientSecret,
              form["redirect_uri"] == grant.redirectURI, let verifier = form["code_verifier"],
              Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncodedString() == grant.challenge
        else { return Self.json(["error": "invalid_grant"], status: .badRequest) }
        let accessToken = "at-\(UUID().uuidString)"
        grants.withLock { $0[accessToken] = grant }
        return Self.json(["access_token": accessToken, "token_type": "bearer"])
    }

    private func identity(_ request: Request) throws -> [String: String] {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
              let grant = grants.withLock({ $0[String(header.dropFirst(7))] })
        else { throw HTTPError(.unauthorized) }
        return grant.identity
    }

    static func json(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        let data = try! JSONSerialization.data(withJSONObject: object)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: data)))
    }
}

private extension Dictionary where Key == String, Value == String {
    /// Google's userinfo shape: the listed claims as strings, the verified flag as a bool.
    func jsonResponse(_ keys: [String], verified: String) -> Response {
        var object: [String: Any] = [:]
        for key in keys { object[key] = self[key] }
        object[verified] = self["email_verified"] == "true"
        return FakeOAuthProvider.json(object)
    }
}
