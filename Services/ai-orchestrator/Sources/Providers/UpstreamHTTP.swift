import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Shared

/// The HTTP side of every adapter: one shared `HTTPClient` for whole answers (streams are read
/// with `StreamHTTPClients`), time limits, and failure statuses turned into `ProviderError`s.
struct UpstreamHTTP: Sendable {
    /// The largest answer read whole (a chat completion or a batch of embeddings).
    static let maxAnswerBytes = 64 << 20
    /// The most of an error answer read for its message.
    static let maxErrorBytes = 1 << 20

    let client: HTTPClient

    /// A request with a JSON body (or none) and the given headers.
    static func request(
        _ method: HTTPMethod, _ url: String, body: [String: JSONValue]?, headers: [(String, String)]
    ) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "User-Agent", value: "azora-ai-orchestrator")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(UpstreamJSON.bytes(body))
        }
        return request
    }

    /// Sends a request and reads its JSON answer, all within `timeout`.
    /// - Throws: `ProviderError` (or `CancellationError`).
    func json(_ request: HTTPClientRequest, timeout: Duration, apiKey: String?) async throws -> JSONValue {
        try await answer(request, timeout: timeout, apiKey: apiKey).value
    }

    /// Like `json`, with the answer's bytes as they came too, for an answer passed on unchanged.
    func answer(_ request: HTTPClientRequest, timeout: Duration, apiKey: String?) async throws
        -> (value: JSONValue, bytes: ByteBuffer)
    {
        let client = client
        do {
            return try await withTimeLimit(timeout, orThrow: ProviderError.timeout) {
                let response = try await client.execute(request, deadline: .now() + TimeAmount(timeout))
                try await Self.check(response, apiKey: apiKey)
                let bytes = try await response.body.collect(upTo: Self.maxAnswerBytes)
                return (try UpstreamJSON.parse(bytes), bytes)
            }
        } catch {
            throw UpstreamFailure.map(error, apiKey: apiKey)
        }
    }

    /// Sends a streaming request and reads up to its first part, all within `timeout` (the time
    /// to first token); and no wait for bytes, the first included, may last longer than
    /// `idleLimit` (the read timeout of the client the stream is read with, `StreamHTTPClients`).
    /// - Returns: the parts, starting with the first.
    /// - Throws: `ProviderError` (or `CancellationError`) for a failure before the first part.
    func events<Translator: StreamTranslator>(
        _ request: HTTPClientRequest, translator: Translator, timeout: Duration, idleLimit: Duration, apiKey: String?
    ) async throws -> AsyncThrowingStream<StreamPart, any Error> {
        let client = StreamHTTPClients.client(idleLimit: idleLimit)
        do {
            let stream = try await withTimeLimit(timeout, orThrow: ProviderError.timeout) {
                let response = try await client.execute(request, deadline: .now() + TimeAmount(timeout))
                try await Self.check(response, apiKey: apiKey)
                if let type = response.headers.first(name: "content-type"), type.contains("application/json") {
                    throw ProviderError.malformedResponse(message: "expected an event stream, got \(type)")
                }
                let stream = UpstreamEventStream(body: response.body, translator: translator, apiKey: apiKey)
                try await stream.prime()
                return stream
            }
            return stream.remainingParts()
        } catch {
            throw UpstreamFailure.map(error, apiKey: apiKey)
        }
    }

    /// Throws the `ProviderError` a failure status stands for; passes a 2xx.
    private static func check(_ response: HTTPClientResponse, apiKey: String?) async throws {
        let status = Int(response.status.code)
        guard !(200..<300).contains(status) else { return }
        // An unreadable or oversized error body still leaves the status to go by.
        let body = (try? await response.body.collect(upTo: maxErrorBytes)) ?? ByteBuffer()
        throw UpstreamFailure.error(status: status, headers: response.headers, body: body, apiKey: apiKey)
    }
}

extension UpstreamHTTP {
    /// The time limit of a call: the provider's `timeoutSeconds` (at least one second).
    static func timeout(_ provider: ProviderConfig) -> Duration {
        .seconds(max(1, provider.timeoutSeconds))
    }

    /// How long a stream that has started may pause between two reads: `override` when set, else
    /// twice the provider's timeout but at least a minute. Generous because a model may think for
    /// a while between tokens; Anthropic pings every few seconds and OpenAI streams steadily, so
    /// a minute of silence means the stream is stuck.
    static func idleLimit(_ provider: ProviderConfig, override: Duration?) -> Duration {
        override ?? max(.seconds(2 * max(1, provider.timeoutSeconds)), .seconds(60))
    }
}
