import AsyncHTTPClient
import Logging

/// The adapter for each kind of provider, sharing one HTTP client (and so one connection pool).
///
/// ```swift
/// let adapters = ProviderAdapters(httpClient: PeerHTTPClient.shared)
/// let outcome = try await adapters.adapter(for: provider.kind).chat(call)
/// ```
struct ProviderAdapters: Sendable {
    let openAICompatible: OpenAICompatibleProvider
    let anthropic: AnthropicProvider
    let local: LocalProvider

    /// - Parameters:
    ///   - httpClient: the client every upstream call goes through; its connect timeout applies,
    ///     the adapters set the rest.
    ///   - streamIdleLimit: the pause allowed between a stream's reads once it has started;
    ///     nil for twice the provider's timeout, at least a minute (tests shorten it).
    ///   - localChunkDelay: the local model's pause between streamed words, to imitate a real
    ///     model's pace in the local stack and in tests of time to first token.
    ///   - logger: where the local provider says that it answers instead of a real model.
    init(httpClient: HTTPClient, streamIdleLimit: Duration? = nil, localChunkDelay: Duration = .zero,
         logger: Logger = Logger(label: "ai-orchestrator.providers")) {
        openAICompatible = OpenAICompatibleProvider(httpClient: httpClient, streamIdleLimit: streamIdleLimit)
        anthropic = AnthropicProvider(httpClient: httpClient, streamIdleLimit: streamIdleLimit)
        local = LocalProvider(chunkDelay: localChunkDelay, logger: logger)
    }

    /// The adapter that speaks a provider's dialect.
    func adapter(for kind: ProviderKind) -> any ModelProvider {
        switch kind {
        case .openAICompatible: openAICompatible
        case .anthropic: anthropic
        case .local: local
        }
    }
}
