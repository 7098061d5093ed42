import Foundation
import NIOCore
import Shared

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
