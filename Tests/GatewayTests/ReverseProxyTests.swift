import AsyncHTTPClient
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Shared
import TestSupport
import Testing

@testable import Gateway

/// The gateway in front of fake upstreams on real sockets.
@Suite struct ReverseProxyTests {
    /// The key the fake auth-service publishes; requests carry tokens it signed.
    static let key = TestSigningKey()

    /// A fake azora-ledger: echoes what it received, hashes uploads, serves large and slow bodies.
    static func startUpstream() async throws -> LocalServer {
        let router = Router()
        router.get("/ledger/echo-headers") { request, _ in
            var lines: [String] = []
            for field in request.headers { lines.append("\(field.name.canonicalName): \(field.value)") }
            return lines.sorted().joined(separator: "\n")
        }
        addStreamingRoutes(to: router)
        // Refuses from the head alone, before the body has arrived, as an authorisation check does.
        router.post("/ledger/refuse") { _, _ in Response(status: .forbidden) }
        router.get("/ledger/slow") { _, _ -> String in
            try await Task.sleep(for: .seconds(3))
            return "late"
        }
        router.get("/metrics") { _, _ in "upstream_secret_metric 1" }
        router.get("/.well-known/jwks.json") { _, _ in TestSigningKey.jwks([key]) }
        router.get("/health/ready") { _, _ in "{}" }
        return try await LocalServer.start(router: router)
    }

    /// A fake member's streaming routes: `POST /ledger/upload` answers with the byte count and
    /// SHA-256 of what it received, `GET /ledger/download` streams 10 MiB.
    static func addStreamingRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.post("/ledger/upload") { request, _ -> String in
            var hash = SHA256()
            var count = 0
            for try await chunk in request.body {
                chunk.withUnsafeReadableBytes { hash.update(bufferPointer: $0) }
                count += chunk.readableBytes
            }
            return "\(count) \(hash.finalize().map { String(format: "%02x", $0) }.joined())"
        }
        router.get("/ledger/download") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: ResponseBody { writer in
                let chunk = ByteBuffer(repeating: 0x61, count: 64 << 10)
                for _ in 0..<160 { try await writer.write(chunk) }
                try await writer.finish(nil)
            })
        }
    }

    /// Runs a test against the gateway in front of the given upstreams; the first one also plays
    /// auth-service's key set, and the client signs every request in unless told otherwise.
    static func withGateway(
        upstreams: [String: String], extra: [String: String] = [:], signedIn: Bool = true,
        _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        var values = ["SERVICES": upstreams.keys.sorted().joined(separator: ","), "UPSTREAM_TIMEOUT_MS": "60000",
                      "MAX_BODY_BYTES": String(64 << 20), "RATE_LIMITS": "false",
                      "AUTH_SERVICE_URL": upstreams[upstreams.keys.sorted()[0]]!]
        for (name, url) in upstreams { values[Fleet.member(named: name)!.urlSetting] = url }
        values.merge(extra) { $1 }
        let application = try await buildApplication(reader: Settings.values(values).reader)
        let token = try await key.token()
        try await application.testLive { client in
            try await test(signedIn ? SignedInClient(client: client, token: token) : client)
        }
    }

    static func problem(_ response: TestResponse) throws -> ProblemDocument {
        #expect(response.headers[.contentType] == "application/problem+json")
        return try JSONDecoder().decode(ProblemDocument.self, from: Data(buffer: response.body))
    }

    @Test func aLargeUploadStreamsThroughIntact() async throws {
        let upstream = try await Self.startUpstream()
        defer { Task { await upstream.stop() } }
        try await Self.withGateway(upstreams: ["azora-ledger": upstream.url]) { client in
            // Far more than any socket or NIO buffer holds, so it must stream through; small enough
            // for a debug build on a busy machine within the test client's fixed 20 s.
            var body = ByteBuffer()
            for index in 0..<(8 << 20) / 4096 { body.writeRepeatingByte(UInt8(index % 251), count: 4096) }
            let expected = SHA256.hash(data: Data(buffer: body)).map { String(format: "%02x", $0) }.joined()
            let response = try await client.execute(uri: "/ledger/upload", method: .post, body: body)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "\(8 << 20) \(expected)")
        }
    }

    @Test func aLargeDownloadStreamsBackIntact() async throws {
        let upstream = try await Self.startUpstream()
        defer { Task { await upstream.stop() } }
        try await Self.withGateway(upstreams: ["azora-ledger": upstream.url]) { client in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(try #require(client.port))/ledger/download")
            request.headers.add(name: "Authorization", value: "Bearer \(try await Self.key.token())")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(response.status.code == 200)
            var count = 0
            var intact = true
            for try await chunk in response.body {
                count += chunk.readableBytes
                intact = intact && chunk.readableBytesView.first == 0x61 && chunk.readableBytesView.last == 0x61
            }
            #expect(count == 10 << 20)
            #expect(intact)
        }
    }

    @Test func anUpstreamThatAnswersBeforeTheBodyArrivesLeavesTheConnectionReadyForTheNextRequest() async throws {
        let upstream = try await Self.startUpstream()
        defer { Task { await upstream.stop() } }
        try await Self.withGateway(upstreams: ["azora-ledger": upstream.url], signedIn: false) { client in
            let token = try await Self.key.token()
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: try #require(client.port)) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            try await withTimeLimit(.seconds(20), orThrow: HarnessError("no answer within 20 s")) {
                try await channel.executeThenClose { inbound, outbound in
                    var received = inbound.makeAsyncIterator()
                    var text = ""
                    // The head only: the upstream refuses it while the gateway still waits for the body.
                    try await outbound.write(ByteBuffer(string: """
                        POST /ledger/refuse HTTP/1.1\r
                        Host: localhost\r
                        Authorization: Bearer \(token)\r
                        Content-Length: 5\r
                        \r

                        """))
                    while !text.contains("\r\n\r\n"), let chunk = try await received.next() { text += String(buffer: chunk) }
                    #expect(text.hasPrefix("HTTP/1.1 403 Forbidden\r\n"))

                    // The body arrives late, and the same connection carries the next request.
                    text = ""
                    try await outbound.write(ByteBuffer(string: """
                        12345GET /ledger/echo-headers HTTP/1.1\r
                        Host: localhost\r
                        Authorization: Bearer \(token)\r
                        \r

                        """))
                    while !text.contains("x-forwarded-for"), let chunk = try await received.next() { text += String(buffer: chunk) }
                    #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(text)")
                }
            }
        }
    }

    @Test func aSlowUpstreamIsAnsweredWith504() async throws {
        let upstream = try await Self.startUpstream()
        defer { Task { await upstream.stop() } }
        try await Self.withGateway(upstreams: ["azora-ledger": upstream.url], extra: ["UPSTREAM_TIMEOUT_MS": "300"]) { client in
            let response = try await client.execute(uri: "/ledger/slow", method: .get)
            #expect(response.status == .gatewayTimeout)
            #expect(try Self.problem(response).code == "upstream_timeout")
        }
    }

    @Test func aStoppedUpstreamIsAnsweredWith503() async throws {
        // A bound port that does not listen refuses connections and cannot be reused meanwhile.
        let stopped = try BoundSocket()
        defer { stopped.close() }
        let keys = try await Self.startUpstream()
        defer { Task { await keys.stop() } }
        try await Self.withGateway(upstreams: ["azora-ledger": stopped.url], extra: ["AUTH_SERVICE_URL": keys.url]) { client in
            let response = try await client.execute(uri: "/ledger/accounts", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(try Self.problem(response).code == "upstream_unavailable")
            #expect(response.headers[.retryAfter] != nil)
        }
    }

    @Test func aServiceThatIsNotDeployedIsAnsweredWith503AndAnUnknownPathWith404() async throws {
        let upstream = try await Self.startUpstream()
        defer { Task { await upstream.stop() } }
        try await Self.withGateway(upstreams: ["azora-ledger": upstream.url]) { client in
            let missing = try await client.execute(uri: "/pricing/quote", method: .post)
            #expect(missing.status == .serviceUnavailable)
            #expect(try Self.problem(missing).code == "service_not_deployed")
            let unknown = try await client.execute(uri: "/nowhere", method: .get)
            #expect(unknown.status == .notFound)
            #expect(try Self.problem(unknown).code == "no_route")
            for path in ["/ledger/../metrics", "/ledger/%2e%2e/metrics", "/ledger/.%2E/metrics", "/ledger/./accounts"] {
                #expect(try await client.execute(uri: path, method: .get).status == .badRequest, "\(path)")
            }
        }
    }

    @Test func hopByHopHeadersAreDroppedAndForwardingHeadersAdded() async throws {
        let upstream = try await Self.startUpstream()
        defer { Task { await upstream.stop() } }
        try await Self.withGateway(upstreams: ["azora-ledger": upstream.url]) { client in
            // A real client, because the test client sets `Connection` itself.
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(try #require(client.port))/ledger/echo-headers")
            request.headers.add(name: "Connection", value: "keep-alive, x-private-hop")
            request.headers.add(name: "X-Private-Hop", value: "secret")
            request.headers.add(name: "TE", value: "trailers")
            let token = try await Self.key.token()
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "X-Request-Id", value: "req-from-client")
            let answer = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let seen = String(buffer: try await answer.body.collect(upTo: 1 << 20))
            #expect(!seen.contains("x-private-hop"))
            #expect(!seen.contains("keep-alive"))
            #expect(!seen.contains("\nte:"))
            #expect(seen.contains("authorization: Bearer \(token)"))
            #expect(seen.contains("x-forwarded-for: 127.0.0.1"))
            #expect(seen.contains("x-forwarded-proto: http"))
            #expect(seen.contains("x-request-id: req-from-client"))
            #expect(seen.contains("traceparent: 00-"))
            #expect(answer.headers.first(name: "X-Request-Id") == "req-from-client")
        }
    }

    @Test func theGatewaysMetricsAndHealthAreItsOwn() async throws {
        let upstream = try await Self.startUpstream()
        defer { Task { await upstream.stop() } }
        try await Self.withGateway(upstreams: ["azora-ledger": upstream.url, "azora-pricing": "http://127.0.0.1:1"]) {
            client in
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(!metrics.contains("upstream_secret_metric"))
            // A member gets two seconds to answer; on a loaded test machine the first ask may
            // miss that, so ask a few times before calling the member unreachable.
            var report = ""
            for _ in 0..<5 where !report.contains(#""azora-ledger":"ready""#) {
                let ready = try await client.execute(uri: "/health/ready", method: .get)
                #expect(ready.status == .ok)
                report = String(buffer: ready.body)
            }
            #expect(report.contains(#""azora-ledger":"ready""#))
            #expect(report.contains(#""azora-pricing":"unreachable""#))
        }
    }

    @Test func corsIsAnsweredForAllowedOriginsOnly() async throws {
        let upstream = try await Self.startUpstream()
        defer { Task { await upstream.stop() } }
        try await Self.withGateway(upstreams: ["azora-ledger": upstream.url],
                                   extra: ["CORS_ALLOWED_ORIGINS": "https://app.azora.dev"]) { client in
            let allowed = try await client.execute(
                uri: "/ledger/echo-headers", method: .options,
                headers: [.origin: "https://app.azora.dev", .accessControlRequestMethod: "GET"])
            #expect(allowed.headers[.accessControlAllowOrigin] == "https://app.azora.dev")
            let other = try await client.execute(
                uri: "/ledger/echo-headers", method: .get, headers: [.origin: "https://evil.example"])
            #expect(other.headers[.accessControlAllowOrigin] == nil)
        }
    }
}

/// A test client that sends `Authorization: Bearer <token>` with every request that has none.
struct SignedInClient: TestClientProtocol {
    let client: any TestClientProtocol
    let token: String

    var port: Int? { client.port }

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        var headers = headers
        if headers[.authorization] == nil { headers[.authorization] = "Bearer \(token)" }
        return try await client.executeRequest(uri: uri, method: method, headers: headers, body: body)
    }
}
