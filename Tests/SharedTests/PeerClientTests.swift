import Foundation
import Hummingbird
import Shared
import Synchronization
import TestSupport
import Testing
import W3CTraceContext

/// Calls between services, against a fake peer on a real socket.
@Suite struct PeerClientTests {
    /// A peer that fails the first `failures` calls of each path with 503, counts calls, and
    /// echoes the headers it saw.
    final class FlakyPeer: Sendable {
        let calls = Mutex<[String: Int]>([:])
        let failures: Int
        init(failures: Int) { self.failures = failures }

        func start() async throws -> LocalServer {
            let router = Router()
            let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
                let count = self.calls.withLock { calls -> Int in
                    calls[request.uri.path, default: 0] += 1
                    return calls[request.uri.path]!
                }
                if count <= self.failures {
                    return Response(status: .serviceUnavailable, headers: [.retryAfter: "0"])
                }
                var seen: [String: String] = [:]
                for field in request.headers { seen[field.name.canonicalName] = field.value }
                let data = try JSONEncoder().encode(seen)
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
            }
            router.get("/thing", use: handler)
            router.post("/thing", use: handler)
            router.post("/oauth/token") { request, _ in
                let form = String(buffer: try await request.body.collect(upTo: 4096))
                guard form.contains("client_secret=s3cret") else { return Response(status: .unauthorized) }
                let body = #"{"access_token":"service-token-1","token_type":"Bearer","expires_in":300}"#
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
            }
            return try await LocalServer.start(router: router)
        }

        func count(_ path: String) -> Int { calls.withLock { $0[path, default: 0] } }
    }

    static func client(_ server: LocalServer, credentials: ServiceCredentials? = nil, breaker: CircuitBreaker = CircuitBreaker())
        -> PeerClient
    {
        // A generous time limit: no test here is about it, and at the suite's start, with every
        // suite starting at once on 2 cores, a call once took longer than 2 s (the test failed
        // as "cannot be reached").
        PeerClient(name: "azora-ledger", baseURL: server.url, credentials: credentials, breaker: breaker,
                   timeout: .seconds(15), retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(5)),
                   logger: TestLogger.make("peer"))
    }

    @Test func idempotentCallsAreRetriedAndCarryTheRequestsTraceAndCredentials() async throws {
        let peer = FlakyPeer(failures: 2)
        let server = try await peer.start()
        defer { Task { await server.stop() } }
        let credentials = ServiceCredentials(tokenURL: server.url + "/oauth/token", clientId: "enrollment-service",
                                             clientSecret: "s3cret")
        let trace = TraceContext(traceID: .random(), spanID: .random(), flags: .sampled, state: .init())
        let seen = try await RequestTrace.$current.withValue(RequestTrace(requestId: "req-42", trace: trace, bearerToken: nil)) {
            try await Self.client(server, credentials: credentials).get("/thing", as: [String: String].self)
        }
        #expect(peer.count("/thing") == 3)
        #expect(seen["x-request-id"] == "req-42")
        #expect(seen["traceparent"] == trace.traceParentHeaderValue)
        #expect(seen["authorization"] == "Bearer service-token-1")
    }

    @Test func aPostWithoutAnIdempotencyKeyIsNeverRetried() async throws {
        let peer = FlakyPeer(failures: 1)
        let server = try await peer.start()
        defer { Task { await server.stop() } }
        await #expect(throws: Problem.self) {
            _ = try await Self.client(server).post("/thing", body: ["a": 1], as: [String: String].self)
        }
        #expect(peer.count("/thing") == 1)
        let keyed = try await Self.client(server).post("/thing", body: ["a": 1], as: [String: String].self, idempotencyKey: "k-1")
        #expect(keyed["idempotency-key"] == "k-1")
    }

    @Test func callsOnBehalfOfTheCallerForwardItsToken() async throws {
        let server = try await FlakyPeer(failures: 0).start()
        defer { Task { await server.stop() } }
        let seen = try await RequestTrace.$current.withValue(RequestTrace(requestId: "r", trace: nil, bearerToken: "user-token")) {
            try await Self.client(server).get("/thing", as: [String: String].self, authentication: .caller)
        }
        #expect(seen["authorization"] == "Bearer user-token")
    }

    @Test func theBreakerOpensAfterRepeatedFailuresAndRefusesWithoutCalling() async throws {
        let peer = FlakyPeer(failures: 1000)
        let server = try await peer.start()
        defer { Task { await server.stop() } }
        let breaker = CircuitBreaker(failureThreshold: 3, openDuration: .seconds(60))
        let client = Self.client(server, breaker: breaker)
        await #expect(throws: Problem.self) { _ = try await client.get("/thing", as: [String: String].self) }
        #expect(breaker.snapshot.state == .open)
        let before = peer.count("/thing")
        let refused = await #expect(throws: Problem.self) { _ = try await client.get("/thing", as: [String: String].self) }
        #expect(refused?.code == "azora_ledger_unavailable", "snake_case, like every slug")
        #expect(peer.count("/thing") == before, "an open breaker does not call the peer")
        breaker.reset()
        #expect(breaker.snapshot.state == .closed)
    }

    @Test func anUnreachablePeerIsAServiceUnavailableProblem() async throws {
        let client = PeerClient(name: "azora-ledger", baseURL: "http://127.0.0.1:1", credentials: nil,
                                retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1)), logger: TestLogger.make("peer"))
        let problem = await #expect(throws: Problem.self) { _ = try await client.get("/x", as: [String: String].self) }
        #expect(problem?.status == .serviceUnavailable)
        #expect(problem?.code == "azora_ledger_unavailable")
    }
}

@Suite struct CircuitBreakerTests {
    @Test func aHalfOpenBreakerLetsOneTrialThroughAndClosesOnSuccess() async throws {
        let breaker = CircuitBreaker(failureThreshold: 2, openDuration: .milliseconds(50))
        breaker.recordFailure()
        #expect(breaker.allowsCall())
        breaker.recordFailure()
        #expect(!breaker.allowsCall())
        try await Task.sleep(for: .milliseconds(80))
        #expect(breaker.snapshot.state == .halfOpen)
        #expect(breaker.allowsCall())
        #expect(!breaker.allowsCall(), "only one trial at a time")
        breaker.recordSuccess()
        #expect(breaker.snapshot.state == .closed)
    }

    @Test func aFailedTrialOpensTheBreakerAgain() async throws {
        let breaker = CircuitBreaker(failureThreshold: 1, openDuration: .milliseconds(30))
        breaker.recordFailure()
        try await Task.sleep(for: .milliseconds(50))
        #expect(breaker.allowsCall())
        breaker.recordFailure()
        #expect(breaker.snapshot.state == .open)
        #expect(!breaker.allowsCall())
    }
}
