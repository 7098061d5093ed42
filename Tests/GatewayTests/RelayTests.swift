import AsyncHTTPClient
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import NIOPosix
import Shared
import Synchronization
import TestSupport
import Testing

@testable import Gateway

/// How the gateway relays at the channel level: its upstream connections, the framing of what
/// it relays, and the clients that do unusual things.
@Suite struct RelayTests {
    /// A fake azora-ledger that says which of its connections each request came on.
    static func startConnectionReporter() async throws -> LocalServer {
        let router = Router(context: AppRequestContext.self)
        router.get("/ledger/connection") { _, context -> String in
            String(context.remoteAddress?.port ?? 0)
        }
        router.get("/ledger/text") { _, _ in "hello" }
        router.head("/ledger/text") { _, _ in Response(status: .ok, headers: [.contentLength: "5"]) }
        ReverseProxyTests.addStreamingRoutes(to: router)
        router.get("/.well-known/jwks.json") { _, _ in TestSigningKey.jwks([ReverseProxyTests.key]) }
        return try await LocalServer.start(router: router)
    }

    static func bearer() async throws -> String { "Bearer \(try await ReverseProxyTests.key.token())" }

    @Test func requestsOnOneClientConnectionShareOneUpstreamConnection() async throws {
        let upstream = try await Self.startConnectionReporter()
        defer { Task { await upstream.stop() } }
        try await ReverseProxyTests.withGateway(upstreams: ["azora-ledger": upstream.url]) { client in
            var ports: Set<String> = []
            for _ in 0..<5 {
                let response = try await client.execute(uri: "/ledger/connection", method: .get)
                #expect(response.status == .ok)
                ports.insert(String(buffer: response.body))
            }
            #expect(ports.count == 1)
        }
    }

    @Test func withOneConnectionPerLoopConcurrentRequestsWaitTheirTurn() async throws {
        // The member counts the requests it is answering at once.
        let inFlight = Mutex((now: 0, most: 0))
        let router = Router()
        router.get("/ledger/slow") { _, _ -> String in
            inFlight.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            try await Task.sleep(for: .milliseconds(200))
            inFlight.withLock { $0.now -= 1 }
            return "done"
        }
        router.get("/.well-known/jwks.json") { _, _ in TestSigningKey.jwks([ReverseProxyTests.key]) }
        let upstream = try await LocalServer.start(router: router)
        defer { Task { await upstream.stop() } }
        let settings = ["UPSTREAM_MAX_CONNECTIONS": "1", "UPSTREAM_CONNECT_TIMEOUT_MS": "30000"]
        try await ReverseProxyTests.withGateway(upstreams: ["azora-ledger": upstream.url], extra: settings) { client in
            let url = "http://127.0.0.1:\(try #require(client.port))/ledger/slow"
            let token = try await Self.bearer()
            // Six client connections over the server's event loops: several share a loop, and so
            // its one upstream connection.
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        let client = HTTPClient(eventLoopGroupProvider: .singleton)
                        defer { _ = client.shutdown() }
                        var request = HTTPClientRequest(url: url)
                        request.headers.add(name: "Authorization", value: token)
                        let response = try await client.execute(request, timeout: .seconds(30))
                        return "\(response.status.code) \(String(buffer: try await response.body.collect(upTo: 1024)))"
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(answers == Array(repeating: "200 done", count: 6))
            #expect(inFlight.withLock { $0.most } <= System.coreCount)
        }
    }

    @Test func aConnectionTheMemberDroppedWhileIdleIsReplacedUnnoticed() async throws {
        let upstream = try await OneRequestPerConnectionServer.start()
        defer { upstream.stop() }
        try await ReverseProxyTests.withGateway(upstreams: ["azora-ledger": upstream.url], extra: ["AUTH_SERVICE_URL": upstream.url]) {
            client in
            for _ in 0..<3 {
                let response = try await client.execute(uri: "/ledger/anything", method: .get)
                #expect(response.status == .ok)
            }
            #expect(upstream.connections >= 3)
        }
    }

    @Test func aHeadRequestGetsTheHeadersAndTheConnectionStaysInStep() async throws {
        let upstream = try await Self.startConnectionReporter()
        defer { Task { await upstream.stop() } }
        try await ReverseProxyTests.withGateway(upstreams: ["azora-ledger": upstream.url]) { client in
            let head = try await client.execute(uri: "/ledger/text", method: .head)
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
            let get = try await client.execute(uri: "/ledger/text", method: .get)
            #expect(String(buffer: get.body) == "hello")
        }
    }

    @Test func aBodyOfUnknownLengthIsRelayedWholeAndOnePastTheLimitIsRefused() async throws {
        let upstream = try await Self.startConnectionReporter()
        defer { Task { await upstream.stop() } }
        try await ReverseProxyTests.withGateway(upstreams: ["azora-ledger": upstream.url], extra: ["MAX_BODY_BYTES": "100000"]) { client in
            let url = "http://127.0.0.1:\(try #require(client.port))/ledger/upload"
            let token = try await Self.bearer()
            func upload(_ size: Int) async throws -> (Int, String) {
                let bytes = ByteBuffer(bytes: (0..<size).map { UInt8($0 % 251) })
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                request.headers.add(name: "Authorization", value: token)
                // A stream without a length goes out chunked.
                request.body = .stream(AsyncStream { continuation in
                    var rest = bytes
                    while let piece = rest.readSlice(length: min(8192, rest.readableBytes)), piece.readableBytes > 0 { continuation.yield(piece) }
                    continuation.finish()
                }, length: .unknown)
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
                return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
            }
            let expected = SHA256.hash(data: Data((0..<50_000).map { UInt8($0 % 251) })).map { String(format: "%02x", $0) }.joined()
            let accepted = try await upload(50_000)
            #expect(accepted.0 == 200)
            #expect(accepted.1 == "50000 \(expected)")
            let refused = try await upload(300_000)
            #expect(refused.0 == 413)
            #expect(refused.1.contains("body_too_large"))
        }
    }

    @Test func aClientWaitingForContinueGetsItOnlyOnceAdmitted() async throws {
        let upstream = try await Self.startConnectionReporter()
        defer { Task { await upstream.stop() } }
        try await ReverseProxyTests.withGateway(upstreams: ["azora-ledger": upstream.url], signedIn: false) { client in
            let token = try await Self.bearer()
            let port = try #require(client.port)
            try await RawClient.session(port: port) { raw in
                try await raw.send("POST /ledger/upload HTTP/1.1\r\nHost: x\r\nAuthorization: \(token)\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
                #expect(try await raw.read(until: "\r\n\r\n").hasPrefix("HTTP/1.1 100 Continue\r\n"))
                try await raw.send("12345")
                let answer = try await raw.read(until: "\r\n\r\n5 ")
                #expect(answer.contains("HTTP/1.1 200 OK\r\n"))
            }
            // Refused from its head: the client never sends the body, so the connection closes.
            try await RawClient.session(port: port) { raw in
                try await raw.send("POST /ledger/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
                let text = try await raw.readToEnd()
                #expect(text.hasPrefix("HTTP/1.1 401 Unauthorized\r\n"))
                #expect(text.lowercased().contains("connection: close"))
            }
        }
    }

    @Test func pipelinedRequestsAreAnsweredInTheOrderTheyCame() async throws {
        let upstream = try await Self.startConnectionReporter()
        defer { Task { await upstream.stop() } }
        try await ReverseProxyTests.withGateway(upstreams: ["azora-ledger": upstream.url], signedIn: false) { client in
            let token = try await Self.bearer()
            let request = "GET /ledger/text HTTP/1.1\r\nHost: x\r\nAuthorization: \(token)\r\n\r\n"
            let unknown = "GET /nowhere HTTP/1.1\r\nHost: x\r\nAuthorization: \(token)\r\n\r\n"
            let text = try await RawClient.session(port: try #require(client.port)) { raw in
                try await raw.send(request + unknown + request)
                return try await raw.read(until: "hello", occurrences: 2)
            }
            // Each answer's status line follows the previous answer's body directly.
            let statuses = text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { "HTTP/1.1 " + $0.prefix { $0 != "\r\n" } }
            #expect(statuses == ["HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK"])
        }
    }

    @Test func aRequestThatIsNotHTTPIsAnswered400AndItsConnectionClosed() async throws {
        let upstream = try await Self.startConnectionReporter()
        defer { Task { await upstream.stop() } }
        try await ReverseProxyTests.withGateway(upstreams: ["azora-ledger": upstream.url], signedIn: false) { client in
            let text = try await RawClient.session(port: try #require(client.port)) { raw in
                try await raw.send("GET /ledger/text HTTP/1.1\r\nHost x\r\n\r\n")
                return try await raw.readToEnd()
            }
            #expect(text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
            #expect(text.contains("malformed_request"))
        }
    }

    @Test func aClientThatStopsSendingAfterItsRequestStillGetsTheAnswer() async throws {
        let upstream = try await Self.startConnectionReporter()
        defer { Task { await upstream.stop() } }
        try await ReverseProxyTests.withGateway(upstreams: ["azora-ledger": upstream.url], signedIn: false) { client in
            let token = try await Self.bearer()
            let text = try await RawClient.session(port: try #require(client.port), halfClosing: true) { raw in
                try await raw.send("GET /ledger/text HTTP/1.1\r\nHost: x\r\nAuthorization: \(token)\r\n\r\n")
                raw.stopSending()
                return try await raw.readToEnd()
            }
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(text.hasSuffix("hello"))
        }
    }

    @Test func aClientThatLeavesMidAnswerLeavesTheGatewayServing() async throws {
        let upstream = try await Self.startConnectionReporter()
        defer { Task { await upstream.stop() } }
        try await ReverseProxyTests.withGateway(upstreams: ["azora-ledger": upstream.url]) { client in
            let token = try await Self.bearer()
            for _ in 0..<3 {
                try await RawClient.session(port: try #require(client.port)) { raw in
                    try await raw.send("GET /ledger/download HTTP/1.1\r\nHost: x\r\nAuthorization: \(token)\r\n\r\n")
                    #expect(try await raw.read(until: "aaaa").hasPrefix("HTTP/1.1 200 OK\r\n"))
                }
            }
            #expect(String(buffer: try await client.execute(uri: "/ledger/text", method: .get).body) == "hello")
        }
    }
}

/// A member that answers one request per connection and then drops the connection without
/// saying so, as one whose idle timeout is shorter than the gateway's does. It also serves the
/// key set.
final class OneRequestPerConnectionServer: Sendable {
    let channel: any Channel
    private let opened = Mutex(0)

    var url: String { "http://127.0.0.1:\(channel.localAddress!.port!)" }
    var connections: Int { opened.withLock { $0 } }

    private init(channel: any Channel) {
        self.channel = channel
    }

    static func start() async throws -> OneRequestPerConnectionServer {
        let jwks = ByteBuffer(string: TestSigningKey.jwks([ReverseProxyTests.key]))
        let counter = Counter()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                counter.increment()
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(AnswerOnceHandler(jwks: jwks))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let server = OneRequestPerConnectionServer(channel: channel)
        counter.server = server
        return server
    }

    func stop() {
        channel.close(promise: nil)
    }

    fileprivate func connectionOpened() {
        opened.withLock { $0 += 1 }
    }

    private final class Counter: @unchecked Sendable {
        // Set once, before the first connection can arrive.
        weak var server: OneRequestPerConnectionServer?
        func increment() { server?.connectionOpened() }
    }

    private final class AnswerOnceHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let jwks: ByteBuffer
        var answered = false

        init(jwks: ByteBuffer) { self.jwks = jwks }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head where answered:
                context.close(promise: nil)
            case .head(let head):
                answered = true
                let body = head.uri.hasSuffix("jwks.json") ? jwks : ByteBuffer(string: "once")
                var headers = HTTPHeaders()
                headers.add(name: "Content-Length", value: String(body.readableBytes))
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case .body, .end:
                break
            }
        }
    }
}

/// A client that writes HTTP/1.1 by hand, for what an ordinary client never does.
struct RawClient {
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private var text = ""

    /// Connects, runs `body` with the connection, and closes it.
    /// - Parameter halfClosing: whether `stopSending()` may close the sending side alone.
    static func session<T: Sendable>(port: Int, halfClosing: Bool = false, _ body: (inout RawClient) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: halfClosing)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: halfClosing))
                }
            }
        // A gateway that never answers or never closes fails the session after 20 s instead of
        // holding up the run.
        let timedOut = Mutex(false)
        let limit = Task {
            try await Task.sleep(for: .seconds(20))
            timedOut.withLock { $0 = true }
            try await channel.channel.close()
        }
        defer { limit.cancel() }
        let result = try await channel.executeThenClose { inbound, outbound in
            var client = RawClient(outbound: outbound, inbound: inbound.makeAsyncIterator())
            return try await body(&client)
        }
        if timedOut.withLock({ $0 }) { throw HarnessError("the gateway had neither answered nor closed the connection after 20 s") }
        return result
    }

    func send(_ text: String) async throws {
        try await outbound.write(ByteBuffer(string: text))
    }

    /// Closes the sending side only (a TCP half-close), as a client that has said all it will.
    func stopSending() {
        outbound.finish()
    }

    /// Everything read so far once `marker` has appeared `occurrences` times, or the connection closed.
    mutating func read(until marker: String, occurrences: Int = 1) async throws -> String {
        while text.components(separatedBy: marker).count - 1 < occurrences {
            guard let chunk = try await inbound.next() else { break }
            text += String(buffer: chunk)
        }
        return text
    }

    /// Everything read until the gateway closes the connection (or the session's 20 s run out).
    mutating func readToEnd() async throws -> String {
        while let chunk = try await inbound.next() { text += String(buffer: chunk) }
        return text
    }
}
