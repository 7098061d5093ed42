import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import NIOPosix
import HTTPTypes
import HummingbirdTesting
import Shared
import Synchronization
import TestSupport
import Testing
import W3CTraceContext

/// The standard application every service gets from `ServiceRuntime`, driven over HTTP.
@Suite struct ServiceApplicationTests {
    struct Enrolment: Codable, ResponseEncodable {
        let courseId: UUID
        let seats: Int
    }

    struct BrokenStatement: Error, CustomStringConvertible {
        var description: String { "ERROR: syntax error at \"SELEC\" in /srv/app/Sources/Storage/Secret.swift:42" }
    }

    /// A small service on the runtime, with routes that exercise the standard behaviour.
    static func withApplication(
        extraSettings: [String: String] = [:], connectionHold: ConnectionHold = ConnectionHold(),
        _ test: @escaping @Sendable (any TestClientProtocol, TestSigningKey) async throws -> Void
    ) async throws {
        let key = TestSigningKey()
        let keys = Router()
        keys.get("/.well-known/jwks.json") { _, _ in TestSigningKey.jwks([key]) }
        let auth = try await LocalServer.start(router: keys)
        defer { Task { await auth.stop() } }

        var values = [
            "DATABASE_URL": TestEnvironment.databaseURL,
            "DATABASE_SCHEMA": TestNames.unique("app"),
            "REDIS_URL": TestEnvironment.redisURL,
            "AUTH_SERVICE_URL": auth.url,
            "MAX_BODY_BYTES": "2048",
        ]
        values.merge(extraSettings) { $1 }
        let runtime = try ServiceRuntime(name: "azora-ledger", reader: Settings.values(values).reader,
                                         logger: TestLogger.make("app"))
        let database = try runtime.database(migrations: [
            Migration(id: "app/0001_notes", sql: "CREATE TABLE notes (body text NOT NULL)"),
        ])
        _ = try runtime.redis()
        let router = try runtime.makeRouter(openAPI: "openapi: 3.1.0\ninfo: {title: test, version: '1'}\n")
        router.post("/public/echo") { request, context in
            try await request.decode(as: Enrolment.self, context: context)
        }
        router.get("/public/boom") { _, _ -> String in throw BrokenStatement() }
        router.get("/public/hold-connection") { _, _ -> String in
            try await connectionHold.hold(database)
            return "done"
        }
        router.get("/public/ping-database") { _, _ -> String in
            try await database.ping()
            return "pong"
        }
        router.get("/public/slow-query") { _, _ -> String in
            // The service's own statement timeout, shortened for this statement only.
            try await database.transaction { transaction in
                try await transaction.execute("SET LOCAL statement_timeout = '100ms'")
                try await transaction.execute("SELECT pg_sleep(5)")
            }
            return "slept"
        }
        let protected = router.group("private").requiringAuthentication()
        protected.get("whoami") { _, context in try context.requirePrincipal().subject }
        protected.get("admin-only") { _, context in try context.requireRole(.admin).subject }
        protected.post("notes") { request, context -> HTTPResponse.Status in
            _ = try context.requirePrincipal()
            let body = String(buffer: try await request.body.collect(upTo: 4096))
            try await database.execute("INSERT INTO notes VALUES (\(body))")
            return .created
        }
        let application = runtime.makeApplication(router: router)
        try await application.testLive { client in try await test(client, key) }
    }

    static func problem(_ response: TestResponse) throws -> ProblemDocument {
        #expect(response.headers[.contentType] == "application/problem+json")
        return try JSONDecoder().decode(ProblemDocument.self, from: Data(buffer: response.body))
    }

    @Test func everyResponseCarriesARequestIdAndATraceparent() async throws {
        try await Self.withApplication { client, _ in
            let generated = try await client.execute(uri: "/health/live", method: .get)
            #expect(generated.headers[.requestId]?.isEmpty == false)
            let incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            let continued = try await client.execute(
                uri: "/health/live", method: .get,
                headers: [.requestId: "client-chosen-id", .traceparent: incoming])
            #expect(continued.headers[.requestId] == "client-chosen-id")
            let trace = try TraceContext(traceParentHeaderValue: try #require(continued.headers[.traceparent]))
            #expect(trace.traceID.description == "4bf92f3577b34da6a3ce929d0e0e4736")
            #expect(trace.spanID.description != "00f067aa0ba902b7", "this hop has a span of its own")
            let forged = try await client.execute(uri: "/health/live", method: .get, headers: [.requestId: "evil\u{7f}id"])
            #expect(forged.headers[.requestId] != "evil\u{7f}id")
        }
    }

    @Test func securityHeadersAreOnEveryResponse() async throws {
        try await Self.withApplication { client, _ in
            for uri in ["/health/live", "/no/such/route"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                #expect(response.headers[.cacheControl] == "no-store")
            }
        }
    }

    @Test func anUnknownRouteIsAProblemDocument() async throws {
        try await Self.withApplication { client, _ in
            let response = try await client.execute(uri: "/no/such/route", method: .get)
            #expect(response.status == .notFound)
            let problem = try Self.problem(response)
            #expect(problem.code == "not_found")
            #expect(problem.status == 404)
        }
    }

    @Test func badBodiesNameTheFieldAtFault() async throws {
        try await Self.withApplication { client, _ in
            let notJSON = try await client.execute(uri: "/public/echo", method: .post, body: ByteBuffer(string: "{oops"))
            #expect(notJSON.status == .badRequest)
            #expect(try Self.problem(notJSON).code == "malformed_request")

            let missing = try await client.execute(
                uri: "/public/echo", method: .post, body: ByteBuffer(string: #"{"courseId":"\#(UUID())"}"#))
            #expect(missing.status == .unprocessableContent)
            #expect(try Self.problem(missing).errors == [FieldError(field: "seats", message: "is required")])

            let mistyped = try await client.execute(
                uri: "/public/echo", method: .post, body: ByteBuffer(string: #"{"courseId":"not-a-uuid","seats":1}"#))
            #expect(mistyped.status == .unprocessableContent)
            #expect(try Self.problem(mistyped).errors?.first?.field == "courseId")

            let good = try await client.execute(
                uri: "/public/echo", method: .post, body: ByteBuffer(string: #"{"courseId":"\#(UUID())","seats":2}"#))
            #expect(good.status == .ok)
        }
    }

    @Test func aBodyOverTheLimitIsRefusedWith413() async throws {
        try await Self.withApplication { client, _ in
            let response = try await client.execute(
                uri: "/public/echo", method: .post, body: ByteBuffer(string: String(repeating: "x", count: 4096)))
            #expect(response.status == .contentTooLarge)
            #expect(try Self.problem(response).code == "body_too_large")
        }
    }

    @Test func anUnexpectedErrorIsAPlain500ThatLeaksNothing() async throws {
        try await Self.withApplication { client, _ in
            let response = try await client.execute(uri: "/public/boom", method: .get)
            #expect(response.status == .internalServerError)
            let text = String(buffer: response.body)
            for secret in ["SELEC", "syntax", "/srv/app", "Secret.swift", "BrokenStatement"] {
                #expect(!text.contains(secret), "the 500 body leaks \(secret)")
            }
            #expect(try Self.problem(response).code == "internal_error")
        }
    }

    @Test func protectedRoutesNeedAValidTokenAndRoutesCheckRoles() async throws {
        try await Self.withApplication { client, key in
            let anonymous = try await client.execute(uri: "/private/whoami", method: .get)
            #expect(anonymous.status == .unauthorized)
            #expect(try Self.problem(anonymous).code == "unauthenticated")

            let garbage = try await client.execute(uri: "/private/whoami", method: .get, headers: [.authorization: "Bearer abc.def.ghi"])
            #expect(garbage.status == .unauthorized)

            let user = UUID().uuidString
            let token = try await key.token(subject: user)
            let signedIn = try await client.execute(uri: "/private/whoami", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(signedIn.status == .ok)
            #expect(String(buffer: signedIn.body) == user)

            let forbidden = try await client.execute(uri: "/private/admin-only", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(forbidden.status == .forbidden)
            let admin = try await key.token(roles: ["admin"])
            let allowed = try await client.execute(uri: "/private/admin-only", method: .get, headers: [.authorization: "Bearer \(admin)"])
            #expect(allowed.status == .ok)
        }
    }

    @Test func healthMetricsAndTheContractAreServed() async throws {
        try await Self.withApplication { client, key in
            let live = try await client.execute(uri: "/health/live", method: .get)
            #expect(live.status == .ok)
            let ready = try await client.execute(uri: "/health/ready", method: .get)
            #expect(ready.status == .ok)
            #expect(String(buffer: ready.body).contains(#""postgres":"ok""#))
            #expect(String(buffer: ready.body).contains(#""redis":"ok""#))

            let token = try await key.token()
            _ = try await client.execute(uri: "/private/notes", method: .post, headers: [.authorization: "Bearer \(token)"],
                                         body: ByteBuffer(string: "migrated"))
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains("http_requests_total"))
            #expect(metrics.contains(#"route="/private/notes""#))
            #expect(metrics.contains("http_request_duration_seconds_bucket"))
            #expect(metrics.contains("http_requests_in_flight"))

            let contract = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(String(buffer: contract.body).hasPrefix("openapi: 3.1.0"))
        }
    }

    @Test func readinessFailsWhenADependencyIsDown() async throws {
        try await Self.withApplication(extraSettings: ["REDIS_URL": "redis://127.0.0.1:1"]) { client, _ in
            let ready = try await client.execute(uri: "/health/ready", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect(String(buffer: ready.body).contains(#""redis":"failing""#))
        }
    }

    @Test func aStatementPastItsTimeoutAnswers503WithRetryAfter() async throws {
        try await Self.withApplication { client, _ in
            let refused = try await client.execute(uri: "/public/slow-query", method: .get)
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers[.retryAfter] == "1")
            #expect(try Self.problem(refused).code == "postgres_unavailable")
        }
    }

    @Test func anExhaustedDatabasePoolAnswers503WithRetryAfter() async throws {
        let hold = ConnectionHold()
        try await Self.withApplication(extraSettings: ["DATABASE_MAX_CONNECTIONS": "1", "DATABASE_ACQUIRE_TIMEOUT_MS": "200"],
                                       connectionHold: hold) { client, _ in
            // A second connection holds the only database connection until the refusal is seen.
            let port = try #require(client.port)
            async let holding = HTTPClient.shared.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/public/hold-connection"), timeout: .seconds(20))
            try await hold.waitUntilHeld()
            let refused = try await client.execute(uri: "/public/ping-database", method: .get)
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers[.retryAfter] == "1")
            #expect(try Self.problem(refused).code == "postgres_unavailable")
            hold.release()
            #expect(try await holding.status.code == 200)
        }
    }
}

/// `Expect: 100-continue`, spoken over a raw socket: the interim answer must come before the
/// body is sent, or a client such as curl waits a second before every large upload.
@Suite struct ExpectContinueTests {
    @Test func aClientThatExpectsContinueIsToldToSendItsBody() async throws {
        try await ServiceApplicationTests.withApplication { client, _ in
            let port = try #require(client.port)
            let body = #"{"courseId":"\#(UUID())","seats":3}"#
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            try await withTimeLimit(.seconds(20), orThrow: HarnessError("no answer within 20 s")) {
                try await channel.executeThenClose { inbound, outbound in
                    var received = inbound.makeAsyncIterator()
                    var text = ""
                    try await outbound.write(ByteBuffer(string: """
                        POST /public/echo HTTP/1.1\r
                        Host: localhost\r
                        Content-Type: application/json\r
                        Content-Length: \(body.utf8.count)\r
                        Expect: 100-continue\r
                        \r

                        """))
                    while !text.contains("\r\n\r\n"), let chunk = try await received.next() { text += String(buffer: chunk) }
                    #expect(text.hasPrefix("HTTP/1.1 100 Continue\r\n"))

                    text = ""
                    try await outbound.write(ByteBuffer(string: body))
                    while !text.contains("\"seats\":3"), let chunk = try await received.next() { text += String(buffer: chunk) }
                    #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
                }
            }
        }
    }
}
