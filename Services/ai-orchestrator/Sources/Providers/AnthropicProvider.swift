import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Shared

/// Anthropic's Messages API (`POST {baseURL}/v1/messages`), translated to and from OpenAI's
/// shapes by `AnthropicRequest`, `AnthropicResponse` and `AnthropicStreamTranslator`. Time limits
/// as in `OpenAICompatibleProvider`. Anthropic has no embeddings.
struct AnthropicProvider: ModelProvider {
    /// The API version the translation is written against.
    static let apiVersion = "2023-06-01"

    let http: UpstreamHTTP
    /// Overrides the pause allowed between a stream's reads (tests shorten it).
    let streamIdleLimit: Duration?

    init(httpClient: HTTPClient, streamIdleLimit: Duration? = nil) {
        http = UpstreamHTTP(client: httpClient)
        self.streamIdleLimit = streamIdleLimit
    }

    func chat(_ call: ChatCall) async throws -> ChatOutcome {
        let body = try AnthropicRequest.body(call, stream: false)
        let request = Self.request(.POST, "/v1/messages", provider: call.provider, apiKey: call.apiKey, body: body)
        let answer = try await http.json(request, timeout: UpstreamHTTP.timeout(call.provider), apiKey: call.apiKey)
        return try AnthropicResponse.completion(answer, model: call.deployment.model)
    }

    func streamChat(_ call: ChatCall) async throws -> AsyncThrowingStream<StreamPart, any Error> {
        let body = try AnthropicRequest.body(call, stream: true)
        let request = Self.request(.POST, "/v1/messages", provider: call.provider, apiKey: call.apiKey, body: body,
                                   accept: "text/event-stream")
        return try await http.events(request, translator: AnthropicStreamTranslator(model: call.deployment.model, apiKey: call.apiKey),
                                     timeout: UpstreamHTTP.timeout(call.provider),
                                     idleLimit: UpstreamHTTP.idleLimit(call.provider, override: streamIdleLimit), apiKey: call.apiKey)
    }

    func embed(_ call: EmbeddingCall) async throws -> EmbeddingOutcome {
        throw ProviderError.rejected(status: 422, message: "model: \(call.deployment.name) is an Anthropic deployment, and Anthropic has no embeddings")
    }

    /// `GET /v1/models/{model}`: free, and proves the address, the key and the model name (an
    /// unknown model is a 404, which counts as the deployment being unavailable).
    func probe(_ deployment: Deployment, provider: ProviderConfig, apiKey: String?) async throws {
        let model = deployment.model.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? deployment.model
        let request = Self.request(.GET, "/v1/models/\(model)", provider: provider, apiKey: apiKey, body: nil)
        _ = try await http.json(request, timeout: UpstreamHTTP.timeout(provider), apiKey: apiKey)
    }

    /// A request with Anthropic's headers: `x-api-key` (when there is a key), `anthropic-version`.
    static func request(_ method: HTTPMethod, _ path: String, provider: ProviderConfig, apiKey: String?,
                        body: [String: JSONValue]?, accept: String = "application/json") -> HTTPClientRequest {
        var base = provider.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        // `https://api.anthropic.com/v1` and `https://api.anthropic.com` are the same endpoint.
        if base.hasSuffix("/v1") { base.removeLast(3) }
        var headers = [("Accept", accept), ("anthropic-version", apiVersion)]
        if let apiKey, !apiKey.isEmpty { headers.append(("x-api-key", apiKey)) }
        return UpstreamHTTP.request(method, base + path, body: body, headers: headers)
    }
}
