import Foundation
import NIOCore
import Shared

/// Tokens a call used, as the upstream reported them.
struct TokenUsage: Codable, Sendable, Equatable {
    var promptTokens: Int
    var completionTokens: Int

    var totalTokens: Int { promptTokens + completionTokens }

    static let zero = TokenUsage(promptTokens: 0, completionTokens: 0)

    /// Tokens of text that no upstream has counted: four UTF-8 bytes a token, rounded up, as
    /// OpenAI's guidance estimates English.
    static func estimatedTokens(bytes: Int) -> Int { (bytes + 3) / 4 }
}

/// One upstream chat call, routed: the deployment, its provider, the key read from the
/// provider's setting, and the client's request. The adapter sends the deployment's `model`, not
/// the client's.
struct ChatCall: Sendable {
    let deployment: Deployment
    let provider: ProviderConfig
    let apiKey: String?
    let request: ChatRequest
}

/// A finished chat call: the answer in OpenAI's `chat.completion` shape, whatever the provider
/// spoke, and its usage.
struct ChatOutcome: Sendable {
    let response: JSONValue
    let usage: TokenUsage
    /// The upstream's own JSON text of `response`, when it can go on to the client as it came
    /// (writing it anew cost about 2% of a call's CPU).
    var text: ByteBuffer? = nil
}

/// What a streaming call yields, as the upstream produces it.
enum StreamPart: Sendable, Equatable {
    /// One OpenAI `chat.completion.chunk` object, forwarded to the client as one SSE event; with
    /// `text` when the upstream's own one-line JSON text of it can go on as it came.
    case chunk(JSONValue, text: String? = nil)
    /// The usage, once known (OpenAI sends it with `stream_options.include_usage`; Anthropic in
    /// `message_delta`).
    case usage(TokenUsage)
}

/// One upstream embeddings call.
struct EmbeddingCall: Sendable {
    let deployment: Deployment
    let provider: ProviderConfig
    let apiKey: String?
    /// The client's request body (OpenAI `embeddings` shape).
    let request: EmbeddingRequest
}

/// A finished embeddings call, in OpenAI's `list` of `embedding` shape.
struct EmbeddingOutcome: Sendable {
    let response: JSONValue
    let usage: TokenUsage
}

/// Why an upstream call failed, as the router needs to know it: whether to retry, to fall back,
/// or to give up and tell the client.
enum ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 429: retried on the same deployment after `retryAfter` when that is short, else the next one.
    case rateLimited(retryAfter: Duration?, message: String)
    /// No answer (or no first token) within the provider's timeout.
    case timeout
    /// The prompt does not fit the model's context window: the next deployment with a larger window may take it.
    case contextOverflow(message: String)
    /// 5xx, connection refused or reset: counts against the deployment's breaker; the next one is tried.
    case unavailable(status: Int?, message: String)
    /// Another 4xx: the request itself is at fault; no retry, no fallback, the client is told.
    case rejected(status: Int, message: String)
    /// An answer that cannot be read as the API promises.
    case malformedResponse(message: String)

    /// A short label for metrics: `rate_limited`, `timeout`, `context_overflow`, `unavailable`, `rejected`, `malformed`.
    var kind: String {
        switch self {
        case .rateLimited: "rate_limited"
        case .timeout: "timeout"
        case .contextOverflow: "context_overflow"
        case .unavailable: "unavailable"
        case .rejected: "rejected"
        case .malformedResponse: "malformed"
        }
    }

    var description: String {
        switch self {
        case .rateLimited(let retryAfter, let message): "rate limited (retry after \(retryAfter.map { "\($0)" } ?? "unknown")): \(message)"
        case .timeout: "timed out"
        case .contextOverflow(let message): "context window exceeded: \(message)"
        case .unavailable(let status, let message): "unavailable (\(status.map(String.init) ?? "no answer")): \(message)"
        case .rejected(let status, let message): "rejected (\(status)): \(message)"
        case .malformedResponse(let message): "malformed response: \(message)"
        }
    }
}

/// An upstream dialect: OpenAI-compatible, Anthropic, or the local model. Adapters translate to
/// and from OpenAI's shapes, so everything above them speaks one API.
protocol ModelProvider: Sendable {
    /// A non-streaming chat completion.
    /// - Throws: `ProviderError` only.
    func chat(_ call: ChatCall) async throws -> ChatOutcome

    /// A streaming chat completion. Errors before the first part are thrown from here (so the
    /// router may still fall back); errors after it end the stream with a `ProviderError`.
    func streamChat(_ call: ChatCall) async throws -> AsyncThrowingStream<StreamPart, any Error>

    /// Embeddings.
    /// - Throws: `ProviderError.rejected` when the provider has none (Anthropic).
    func embed(_ call: EmbeddingCall) async throws -> EmbeddingOutcome

    /// A cheap call that proves the deployment answers (health probes).
    func probe(_ deployment: Deployment, provider: ProviderConfig, apiKey: String?) async throws
}
