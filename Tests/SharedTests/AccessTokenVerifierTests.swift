import Foundation
import Hummingbird
import Shared
import Synchronization
import TestSupport
import Testing

/// Access tokens are verified against a key set served over HTTP, as auth-service will serve it.
@Suite struct AccessTokenVerifierTests {
    /// A key-set endpoint whose keys can change, counting how often it is asked.
    final class KeySetEndpoint: Sendable {
        let keys: Mutex<[TestSigningKey]>
        let fetches = Mutex(0)
        init(_ keys: [TestSigningKey]) { self.keys = Mutex(keys) }

        func start() async throws -> LocalServer {
            let router = Router()
            router.get("/.well-known/jwks.json") { _, _ in
                self.fetches.withLock { $0 += 1 }
                return TestSigningKey.jwks(self.keys.withLock { $0 })
            }
            return try await LocalServer.start(router: router)
        }
    }

    static func verifier(_ server: LocalServer, minimumRefetchInterval: Duration = .seconds(30)) -> AccessTokenVerifier {
        AccessTokenVerifier(jwksURL: server.url + "/.well-known/jwks.json", issuer: TokenIssuer.default,
                            minimumRefetchInterval: minimumRefetchInterval, logger: TestLogger.make("verifier"))
    }

    static func expectRefusal(_ verifier: AccessTokenVerifier, _ token: String, saying words: String) async {
        let problem = await #expect(throws: Problem.self) { try await verifier.verify(token) }
        #expect(problem?.status == .unauthorized)
        #expect(problem?.detail.contains(words) == true, "\(problem?.detail ?? "")")
    }

    @Test func aValidTokenGivesItsCaller() async throws {
        let key = TestSigningKey()
        let server = try await KeySetEndpoint([key]).start()
        defer { Task { await server.stop() } }
        let user = UUID()
        let organization = UUID()
        let token = try await key.token(subject: user.uuidString, roles: ["student", "instructor"],
                                        organization: organization.uuidString)
        let principal = try await Self.verifier(server).verify(token)
        #expect(principal.userId == user)
        #expect(principal.roles == [.student, .instructor])
        #expect(principal.organizationId == organization)
        #expect(!principal.isAdmin)
    }

    @Test func aTokenWithAForgedSignatureIsRefused() async throws {
        let key = TestSigningKey()
        let forger = TestSigningKey(kid: key.kid)  // same key id, different private key
        let server = try await KeySetEndpoint([key]).start()
        defer { Task { await server.stop() } }
        await Self.expectRefusal(Self.verifier(server), try await forger.token(), saying: "signature")
    }

    @Test func anUnsignedTokenIsRefused() async throws {
        let key = TestSigningKey()
        let server = try await KeySetEndpoint([key]).start()
        defer { Task { await server.stop() } }
        let genuine = try await key.token().split(separator: ".")
        let header = Data(#"{"alg":"none","kid":"\#(key.kid)","typ":"JWT"}"#.utf8).base64URLEncodedString()
        await Self.expectRefusal(Self.verifier(server), "\(header).\(genuine[1]).", saying: "algorithm none")
        let hmac = Data(#"{"alg":"HS256","kid":"\#(key.kid)","typ":"JWT"}"#.utf8).base64URLEncodedString()
        await Self.expectRefusal(Self.verifier(server), "\(hmac).\(genuine[1]).\(genuine[2])", saying: "algorithm HS256")
    }

    @Test func anExpiredTokenIsRefused() async throws {
        let key = TestSigningKey()
        let server = try await KeySetEndpoint([key]).start()
        defer { Task { await server.stop() } }
        await Self.expectRefusal(Self.verifier(server), try await key.token(expiresIn: -300), saying: "expired")
    }

    @Test func aTokenFromAnotherIssuerIsRefused() async throws {
        let key = TestSigningKey()
        let server = try await KeySetEndpoint([key]).start()
        defer { Task { await server.stop() } }
        await Self.expectRefusal(Self.verifier(server), try await key.token(issuer: "https://evil.example"), saying: "issued")
    }

    @Test func anUnknownKeyIdIsRefusedAndRefetchesAreRateLimited() async throws {
        let key = TestSigningKey()
        let endpoint = KeySetEndpoint([key])
        let server = try await endpoint.start()
        defer { Task { await server.stop() } }
        let verifier = Self.verifier(server)
        _ = try await verifier.verify(try await key.token())
        let stranger = TestSigningKey()
        for _ in 0..<5 {
            await Self.expectRefusal(verifier, try await stranger.token(), saying: "unknown key")
        }
        #expect(endpoint.fetches.withLock { $0 } == 1, "unknown key ids must not make the verifier fetch on every request")
    }

    @Test func aRotatedKeyIsFetchedWhenItFirstAppearsAndTheOldOneStillVerifies() async throws {
        let old = TestSigningKey()
        let endpoint = KeySetEndpoint([old])
        let server = try await endpoint.start()
        defer { Task { await server.stop() } }
        let verifier = Self.verifier(server, minimumRefetchInterval: .zero)
        let oldToken = try await old.token()
        _ = try await verifier.verify(oldToken)

        let new = TestSigningKey()
        endpoint.keys.withLock { $0 = [new, old] }
        _ = try await verifier.verify(try await new.token())
        _ = try await verifier.verify(oldToken)
        #expect(endpoint.fetches.withLock { $0 } == 2)
    }
}
