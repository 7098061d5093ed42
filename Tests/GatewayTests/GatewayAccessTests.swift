import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Shared
import Synchronization
import TestSupport
import Testing

@testable import Gateway

/// What the gateway lets through: access tokens on protected routes, and rate limits.
@Suite struct GatewayAccessTests {
    static let key = TestSigningKey()

    /// A fake fleet member that counts what reached it and also serves the key set.
    struct Upstream: Sendable {
        let server: LocalServer
        private let hits: HitCounter
        var count: Int { hits.value }

        static func start() async throws -> Upstream {
            let hits = HitCounter()
            let router = Router()
            router.get("/.well-known/jwks.json") { _, _ in TestSigningKey.jwks([key]) }
            router.post("/auth/**") { _, _ in hits.increment(); return "auth" }
            router.get("/ledger/**") { _, _ in hits.increment(); return "ledger" }
            return Upstream(server: try await LocalServer.start(router: router), hits: hits)
        }
    }

    final class HitCounter: Sendable {
        private let count = Mutex(0)
        func increment() { count.withLock { $0 += 1 } }
        var value: Int { count.withLock { $0 } }
    }

    static func withGateway(
        _ upstream: Upstream, settings extra: [String: String] = [:],
        _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        var values = ["SERVICES": "auth-service,azora-ledger", "AUTH_SERVICE_URL": upstream.server.url,
                      "AZORA_LEDGER_URL": upstream.server.url, "REDIS_URL": TestEnvironment.redisURL,
                      "REDIS_KEY_PREFIX": TestNames.unique("gw") + ":"]
        values.merge(extra) { $1 }
        let application = try await buildApplication(reader: Settings.values(values).reader)
        try await application.test(.live, test)
    }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    static func code(_ response: TestResponse) throws -> String? {
        try JSONDecoder().decode(ProblemDocument.self, from: Data(buffer: response.body)).code
    }

    @Test func aProtectedRouteRefusesMissingExpiredAndTamperedTokensBeforeReachingTheService() async throws {
        let upstream = try await Upstream.start()
        defer { Task { await upstream.server.stop() } }
        try await Self.withGateway(upstream) { client in
            let missing = try await client.execute(uri: "/ledger/accounts", method: .get)
            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(try Self.code(missing) == "unauthenticated")

            let expired = try await Self.key.token(expiresIn: -60)
            #expect(try await client.execute(uri: "/ledger/accounts", method: .get, headers: Self.bearer(expired)).status == .unauthorized)

            let valid = try await Self.key.token()
            var tampered = Array(valid)
            let index = tampered.lastIndex(of: ".")!
            tampered[tampered.index(after: index)] = tampered[tampered.index(after: index)] == "A" ? "B" : "A"
            #expect(try await client.execute(uri: "/ledger/accounts", method: .get, headers: Self.bearer(String(tampered))).status == .unauthorized)
            let foreign = try await TestSigningKey().token()
            #expect(try await client.execute(uri: "/ledger/accounts", method: .get, headers: Self.bearer(foreign)).status == .unauthorized)
            #expect(try await client.execute(uri: "/ledger/accounts", method: .get, headers: [.authorization: "Basic abc"]).status == .unauthorized)
            #expect(upstream.count == 0)

            let allowed = try await client.execute(uri: "/ledger/accounts", method: .get, headers: Self.bearer(valid))
            #expect(allowed.status == .ok)
            #expect(upstream.count == 1)
        }
    }

    @Test func publicRoutesPassWithoutATokenAndEvenWithAnExpiredOne() async throws {
        let upstream = try await Upstream.start()
        defer { Task { await upstream.server.stop() } }
        try await Self.withGateway(upstream) { client in
            #expect(try await client.execute(uri: "/auth/login", method: .post).status == .ok)
            // Refreshing is what a client with an expired access token does.
            let expired = try await Self.key.token(expiresIn: -60)
            #expect(try await client.execute(uri: "/auth/refresh-token", method: .post, headers: Self.bearer(expired)).status == .ok)
            // Only the listed methods are public: a GET under /auth needs a token.
            #expect(try await client.execute(uri: "/auth/sessions", method: .get).status == .unauthorized)
            #expect(upstream.count == 2)
        }
    }

    /// The fleet's public routes are those its READMEs name, and only for the methods listed.
    @Test func theFleetsPublicRoutesAreTheCataloguesTheKeysAndTheWaysIn() {
        let fleet = PublicRoutes.fleet
        for (method, path) in [(HTTPRequest.Method.get, "/pricing/quote-keys"), (.get, "/.well-known/jwks.json"),
                               (.get, "/.well-known/certificate-keys.json"), (.get, "/courses/7d3c/reviews"),
                               (.post, "/certificates/verify"), (.post, "/webhooks/stripe"), (.get, "/users/42/avatar")] {
            #expect(fleet.contains(method: method, path: path), "\(method) \(path)")
        }
        for (method, path) in [(HTTPRequest.Method.post, "/pricing/quote"), (.post, "/courses"), (.delete, "/courses/7d3c/reviews"),
                               (.get, "/users/42"), (.post, "/users/42/avatar"), (.get, "/auth/sessions")] {
            #expect(!fleet.contains(method: method, path: path), "\(method) \(path)")
        }
    }

    static let threePerMinute = #"[{"name":"everything","limit":3,"windowSeconds":60,"routes":["/**"]},"#
        + #"{"name":"login","limit":2,"windowSeconds":60,"routes":["POST /auth/login"]}]"#

    @Test func aCallerOverTheLimitGets429WithRetryAfterAndOthersDoNot() async throws {
        let upstream = try await Upstream.start()
        defer { Task { await upstream.server.stop() } }
        try await Self.withGateway(upstream, settings: ["RATE_LIMIT_POLICIES": Self.threePerMinute]) { client in
            let alice = Self.bearer(try await Self.key.token())
            var remaining: [String] = []
            for _ in 0..<3 {
                let response = try await client.execute(uri: "/ledger/accounts", method: .get, headers: alice)
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("RateLimit-Policy")!] == #""everything";q=3;w=60"#)
                remaining.append(response.headers[HTTPField.Name("RateLimit")!] ?? "")
            }
            #expect(remaining.map { $0.components(separatedBy: ";")[1] } == ["r=2", "r=1", "r=0"])
            let refused = try await client.execute(uri: "/ledger/accounts", method: .get, headers: alice)
            #expect(refused.status == .tooManyRequests)
            #expect(try Self.code(refused) == "rate_limited")
            let retryAfter = try #require(refused.headers[.retryAfter].flatMap(Int.init))
            #expect((1...20).contains(retryAfter))
            #expect(upstream.count == 3)

            // Another user has a quota of their own.
            let bob = Self.bearer(try await Self.key.token())
            #expect(try await client.execute(uri: "/ledger/accounts", method: .get, headers: bob).status == .ok)

            // Anonymous callers are counted by address, under the stricter credential policy.
            #expect(try await client.execute(uri: "/auth/login", method: .post).status == .ok)
            #expect(try await client.execute(uri: "/auth/login", method: .post).status == .ok)
            #expect(try await client.execute(uri: "/auth/login", method: .post).status == .tooManyRequests)
        }
    }

    @Test func aShadowPolicyCountsButNeverRefuses() async throws {
        let upstream = try await Upstream.start()
        defer { Task { await upstream.server.stop() } }
        let shadow = #"[{"name":"trial","limit":1,"windowSeconds":60,"routes":["/**"],"shadow":true}]"#
        try await Self.withGateway(upstream, settings: ["RATE_LIMIT_POLICIES": shadow]) { client in
            let alice = Self.bearer(try await Self.key.token())
            for _ in 0..<4 {
                let response = try await client.execute(uri: "/ledger/accounts", method: .get, headers: alice)
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("RateLimit")!] == nil)
            }
            #expect(upstream.count == 4)
        }
    }

    @Test func replicasShareOneQuotaThroughRedis() async throws {
        let upstream = try await Upstream.start()
        defer { Task { await upstream.server.stop() } }
        let prefix = TestNames.unique("gw") + ":"
        let token = try await Self.key.token()
        let settings = ["RATE_LIMIT_POLICIES": Self.threePerMinute, "REDIS_KEY_PREFIX": prefix]
        try await Self.withGateway(upstream, settings: settings) { first async throws in
            try await Self.withGateway(upstream, settings: settings) { second async throws in
                #expect(try await first.execute(uri: "/ledger/a", method: .get, headers: Self.bearer(token)).status == .ok)
                #expect(try await second.execute(uri: "/ledger/a", method: .get, headers: Self.bearer(token)).status == .ok)
                #expect(try await first.execute(uri: "/ledger/a", method: .get, headers: Self.bearer(token)).status == .ok)
                #expect(try await second.execute(uri: "/ledger/a", method: .get, headers: Self.bearer(token)).status == .tooManyRequests)
            }
        }
    }

    @Test func withRedisUnreachableLimitsStillHoldInProcessAndTheGatewayStaysReady() async throws {
        let upstream = try await Upstream.start()
        defer { Task { await upstream.server.stop() } }
        let nowhere = try BoundSocket()
        defer { nowhere.close() }
        let settings = ["RATE_LIMIT_POLICIES": Self.threePerMinute, "REDIS_URL": "redis://127.0.0.1:\(nowhere.port)"]
        try await Self.withGateway(upstream, settings: settings) { client in
            let alice = Self.bearer(try await Self.key.token())
            for _ in 0..<3 {
                #expect(try await client.execute(uri: "/ledger/accounts", method: .get, headers: alice).status == .ok)
            }
            #expect(try await client.execute(uri: "/ledger/accounts", method: .get, headers: alice).status == .tooManyRequests)
            #expect(try await client.execute(uri: "/health/ready", method: .get).status == .ok)
        }
    }

    @Test func gcraAllowsABurstOfTheLimitThenOneRequestPerInterval() {
        let second: Int64 = 1_000_000
        var tat: Int64? = nil
        var now: Int64 = 1_000 * second
        var allowed = 0
        for _ in 0..<10 {
            let (decision, next) = GCRA.decide(tat: tat, now: now, interval: 10 * second, window: 60 * second)
            tat = next
            if decision.allowed { allowed += 1 }
        }
        #expect(allowed == 6)
        // After one interval exactly one more request fits, and the refusal said when.
        let (refused, _) = GCRA.decide(tat: tat, now: now, interval: 10 * second, window: 60 * second)
        #expect(!refused.allowed && refused.retryAfterMicroseconds == 10 * second)
        now += 10 * second
        let (again, afterAgain) = GCRA.decide(tat: tat, now: now, interval: 10 * second, window: 60 * second)
        #expect(again.allowed && again.remaining == 0)
        #expect(!GCRA.decide(tat: afterAgain, now: now, interval: 10 * second, window: 60 * second).0.allowed)
    }

    @Test func theRedisScriptsOneNumberReadsBackAsTheWholeDecision() {
        // The script answers with the new TAT's distance ahead of now, negated when refused
        // (the TAT then stays put); read back, it must say everything GCRA.decide says.
        let second: Int64 = 1_000_000
        let interval = 10 * second, window = 60 * second
        var tat: Int64?
        for step in 0..<20 {
            let now = 1_000 * second + Int64(step) * 3 * second
            let (expected, next) = GCRA.decide(tat: tat, now: now, interval: interval, window: window)
            let ahead = max(tat ?? now, now) + interval - now
            let read = GCRA.decision(signedAhead: expected.allowed ? ahead : -ahead, interval: interval, window: window)
            #expect(read == expected, "step \(step)")
            tat = next
        }
    }

    @Test func malformedPoliciesStopStartUpNamingTheSetting() async throws {
        for bad in ["not json", "[]", #"[{"name":"x","limit":0,"windowSeconds":60,"routes":["/**"]}]"#,
                    #"[{"name":"x","limit":5,"windowSeconds":60,"routes":["GET a"]}]"#] {
            let values = ["RATE_LIMIT_POLICIES": bad]
            await #expect(throws: SettingsError.self) {
                _ = try await buildApplication(reader: Settings.values(values).reader)
            }
        }
    }
}
