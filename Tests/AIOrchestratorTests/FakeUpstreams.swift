import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Shared
import Synchronization
import TestSupport

/// What a fake upstream does with one call. Every route (chat, embeddings, models, messages)
/// takes the next step of the script, or the fallback when the script is used up.
indirect enum FakeStep: Sendable {
    /// A normal answer with this text, in the route's shape: a `chat.completion` (or Anthropic
    /// message), or, when the request asks to stream, the text streamed word by word.
    case answer(String)
    /// An answer calling one tool with these JSON arguments (OpenAI `tool_calls`, Anthropic
    /// `tool_use`), streamed when the request asks.
    case toolCall(name: String, arguments: String)
    /// The inner step after a delay before the response head: a slow upstream.
    case slow(Duration, FakeStep)
    /// The inner step once the test calls `release()`: calls held in flight for as long as a
    /// test needs, however busy the machine.
    case held(FakeStep)
    /// A failure status with the dialect's error body.
    case fail(Int, message: String = "the fake upstream failed on purpose")
    /// 429 with this `Retry-After` value.
    case rateLimited(retryAfter: String)
    /// 400 saying the prompt does not fit, in the dialect's words.
    case contextOverflow
    /// A stream of these text pieces, `gap` apart; with `holdAfterFirst`, the fake stops after
    /// the first piece until `release()`, which proves a client reads incrementally.
    case stream([String], gap: Duration = .zero, holdAfterFirst: Bool = false)
    /// These server-sent event texts, written as they are, `gap` apart (hand-made streams:
    /// errors mid-stream, streams cut short).
    case events([String], gap: Duration = .zero)
    /// Exactly this answer.
    case raw(status: Int, headers: [String: String] = [:], body: String)
}

/// A request a fake upstream received.
struct RecordedRequest: Sendable {
    let method: String
    let path: String
    let query: String?
    /// Header names lowercased; repeated headers joined with ", ".
    let headers: [String: String]
    let body: JSONValue?

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A fake OpenAI-style upstream: `/v1/chat/completions`, `/v1/embeddings`, `/v1/models`, and
/// Azure's `/openai/deployments/{name}/…`.
///
/// ```swift
/// let fake = try await FakeOpenAI.start()
/// defer { Task { await fake.stop() } }
/// fake.script = [.fail(503), .answer("hi")]
/// // … point a provider at fake.url (fake.rootURL for Azure) …
/// #expect(fake.requests.map(\.path) == ["/v1/chat/completions", "/v1/chat/completions"])
/// ```
enum FakeOpenAI {
    static func start() async throws -> FakeUpstream { try await FakeUpstream.start(.openAI) }
}

/// A fake Anthropic-style upstream: `/v1/messages` and `/v1/models/{id}`.
enum FakeAnthropic {
    static func start() async throws -> FakeUpstream { try await FakeUpstream.start(.anthropic) }
}

/// A fake upstream on a local port that records every request and answers as scripted.
final class FakeUpstream: Sendable {
    enum Dialect: Sendable { case openAI, anthropic }

    /// The prompt tokens every normal answer reports.
    static let promptTokens = 21
    /// The prompt tokens every embeddings answer reports.
    static let embeddingTokens = 7

    let dialect: Dialect
    let server: LocalServer
    private let core: Core

    private init(dialect: Dialect, server: LocalServer, core: Core) {
        self.dialect = dialect
        self.server = server
        self.core = core
    }

    static func start(_ dialect: Dialect) async throws -> FakeUpstream {
        let core = Core()
        let router = Router()
        for path in ["/v1/chat/completions", "/openai/deployments/:deployment/chat/completions"] {
            router.post(RouterPath(path)) { request, _ in try await core.handle(request, route: .chat) }
        }
        for path in ["/v1/embeddings", "/openai/deployments/:deployment/embeddings"] {
            router.post(RouterPath(path)) { request, _ in try await core.handle(request, route: .embeddings) }
        }
        router.get("/v1/models") { request, _ in try await core.handle(request, route: .models) }
        router.get("/openai/models") { request, _ in try await core.handle(request, route: .models) }
        router.post("/v1/messages") { request, _ in try await core.handle(request, route: .messages) }
        router.get("/v1/models/:id") { request, context in
            try await core.handle(request, route: .modelInfo(context.parameters.get("id") ?? ""))
        }
        return FakeUpstream(dialect: dialect, server: try await LocalServer.start(router: router), core: core)
    }

    /// The base URL a provider of this dialect is configured with: `http://127.0.0.1:<port>/v1`
    /// for OpenAI (as `https://api.openai.com/v1`), the root for Anthropic.
    var url: String { dialect == .openAI ? server.url + "/v1" : server.url }
    /// The root, as an Azure endpoint (`https://NAME.openai.azure.com`) is configured.
    var rootURL: String { server.url }

    /// The steps for the next calls, in order.
    var script: [FakeStep] {
        get { core.state.withLock { $0.script } }
        set { core.state.withLock { $0.script = newValue } }
    }
    /// The step once the script is used up; a normal answer unless changed.
    var fallback: FakeStep {
        get { core.state.withLock { $0.fallback } }
        set { core.state.withLock { $0.fallback = newValue } }
    }
    /// Every request so far, in order of arrival.
    var requests: [RecordedRequest] { core.state.withLock { $0.requests } }
    /// How many requests arrived.
    var calls: Int { requests.count }
    /// How many stream pieces were written so far (by `.stream` and streamed answers).
    var piecesSent: Int { core.state.withLock { $0.piecesSent } }

    /// Lets streams held by `holdAfterFirst` go on.
    func release() { core.gate.open() }

    func stop() async {
        core.gate.open()
        await server.stop()
    }

    /// What the routes share.
    private final class Core: Sendable {
        struct State: Sendable {
            var script: [FakeStep] = []
            var fallback: FakeStep = .answer("Hello from the fake upstream.")
            var requests: [RecordedRequest] = []
            var piecesSent = 0
        }

        let state = Mutex(State())
        let gate = Gate()

        func handle(_ request: Request, route: FakeRoute) async throws -> Response {
            let bytes = try await request.body.collect(upTo: 16 << 20)
            let body = bytes.readableBytes > 0 ? try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: bytes)) : nil
            var headers: [String: String] = [:]
            for field in request.headers {
                let name = field.name.canonicalName
                headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
            }
            let recorded = RecordedRequest(method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
                                           headers: headers, body: body)
            let step = state.withLock { state in
                state.requests.append(recorded)
                return state.script.isEmpty ? state.fallback : state.script.removeFirst()
            }
            return try await respond(step, route: route, request: recorded)
        }

        private func respond(_ step: FakeStep, route: FakeRoute, request: RecordedRequest) async throws -> Response {
            let shape = FakeShapes(route: route, request: request)
            switch step {
            case .slow(let delay, let inner):
                try await Task.sleep(for: delay)
                return try await respond(inner, route: route, request: request)
            case .held(let inner):
                await gate.wait()
                return try await respond(inner, route: route, request: request)
            case .answer(let text):
                if shape.streaming { return stream(shape.streamEvents(pieces: FakeShapes.words(text)), gap: .zero, hold: false) }
                return Self.json(200, shape.answer(text))
            case .toolCall(let name, let arguments):
                if shape.streaming { return stream(shape.toolCallEvents(name: name, arguments: arguments), gap: .zero, hold: false) }
                return Self.json(200, shape.toolCallAnswer(name: name, arguments: arguments))
            case .fail(let status, let message):
                return Self.json(status, shape.error(status: status, message: message))
            case .rateLimited(let retryAfter):
                return Self.json(429, shape.error(status: 429, message: "slow down"), headers: ["Retry-After": retryAfter])
            case .contextOverflow:
                return Self.json(400, shape.contextOverflow())
            case .stream(let pieces, let gap, let hold):
                return stream(shape.streamEvents(pieces: pieces), gap: gap, hold: hold)
            case .events(let texts, let gap):
                return stream(texts.map { FakeShapes.Frame(text: $0, isPiece: true) }, gap: gap, hold: false)
            case .raw(let status, let headers, let body):
                var fields = HTTPFields()
                for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
                return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
            }
        }

        /// Writes frames one by one; pieces are counted, spaced by `gap`, and with `hold` the
        /// stream waits for the gate after the first.
        private func stream(_ frames: [FakeShapes.Frame], gap: Duration, hold: Bool) -> Response {
            Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                     body: ResponseBody { writer in
                         var pieces = 0
                         for frame in frames {
                             if frame.isPiece, pieces > 0, gap > .zero { try await Task.sleep(for: gap) }
                             try await writer.write(ByteBuffer(string: frame.text))
                             guard frame.isPiece else { continue }
                             pieces += 1
                             self.state.withLock { $0.piecesSent += 1 }
                             if hold, pieces == 1 { await self.gate.wait() }
                         }
                         try await writer.finish(nil)
                     })
        }

        static func json(_ status: Int, _ value: JSONValue, headers: [String: String] = [:]) -> Response {
            var fields: HTTPFields = [.contentType: "application/json"]
            for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
            return Response(status: .init(code: status), headers: fields,
                            body: .init(byteBuffer: ByteBuffer(string: JSONText.write(value))))
        }
    }
}
