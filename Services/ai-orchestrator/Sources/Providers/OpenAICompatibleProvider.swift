import AsyncHTTPClient
import NIOHTTP1
import Shared

/// OpenAI's Chat Completions and Embeddings API at any base URL: OpenAI, vLLM, Ollama,
/// LiteLLM-style proxies, and Azure OpenAI (see `OpenAIEndpoint`). The client's body goes
/// upstream whole, with the deployment's model in place of the client's, so every parameter
/// the upstream knows keeps working.
///
/// Time limits: a whole non-streaming call (answer included) within the provider's
/// `timeoutSeconds`; a stream's response head and first chunk within it, then pauses between
/// reads up to `UpstreamHTTP.idleLimit`.
struct OpenAICompatibleProvider: ModelProvider {
    let http: UpstreamHTTP
    /// Overrides the pause allowed between a stream's reads (tests shorten it).
    let streamIdleLimit: Duration?

    init(httpClient: HTTPClient, streamIdleLimit: Duration? = nil) {
        http = UpstreamHTTP(client: httpClient)
        self.streamIdleLimit = streamIdleLimit
    }

    func chat(_ call: ChatCall) async throws -> ChatOutcome {
        let endpoint = OpenAIEndpoint(provider: call.provider, apiKey: call.apiKey)
        var body = call.request.body(model: call.deployment.model)
        body["stream"] = nil
        body["stream_options"] = nil
        let request = endpoint.request(.POST, endpoint.url("chat/completions", model: call.deployment.model), body: body)
        let (response, bytes) = try await http.answer(request, timeout: UpstreamHTTP.timeout(call.provider), apiKey: call.apiKey)
        guard UpstreamJSON.array(response["choices"]) != nil else {
            throw ProviderError.malformedResponse(message: "the answer has no choices")
        }
        return ChatOutcome(response: response, usage: OpenAIUsage.read(response["usage"]) ?? Self.estimate(call, response), text: bytes)
    }

    func streamChat(_ call: ChatCall) async throws -> AsyncThrowingStream<StreamPart, any Error> {
        let endpoint = OpenAIEndpoint(provider: call.provider, apiKey: call.apiKey)
        var body = call.request.body(model: call.deployment.model)
        body["stream"] = true
        var options = UpstreamJSON.object(body["stream_options"]) ?? [:]
        options["include_usage"] = true
        body["stream_options"] = .object(options)
        let request = endpoint.request(.POST, endpoint.url("chat/completions", model: call.deployment.model), body: body,
                                       accept: "text/event-stream")
        let translator = OpenAIStreamTranslator(clientWantsUsage: call.request.includeUsage,
                                                estimatedPromptTokens: call.request.estimatedPromptTokens, apiKey: call.apiKey)
        return try await http.events(request, translator: translator, timeout: UpstreamHTTP.timeout(call.provider),
                                     idleLimit: UpstreamHTTP.idleLimit(call.provider, override: streamIdleLimit), apiKey: call.apiKey)
    }

    func embed(_ call: EmbeddingCall) async throws -> EmbeddingOutcome {
        let endpoint = OpenAIEndpoint(provider: call.provider, apiKey: call.apiKey)
        let request = endpoint.request(.POST, endpoint.url("embeddings", model: call.deployment.model),
                                       body: call.request.body(model: call.deployment.model))
        let response = try await http.json(request, timeout: UpstreamHTTP.timeout(call.provider), apiKey: call.apiKey)
        guard UpstreamJSON.array(response["data"]) != nil else {
            throw ProviderError.malformedResponse(message: "the answer has no data")
        }
        let usage = OpenAIUsage.read(response["usage"]) ?? TokenUsage(promptTokens: call.request.estimatedTokens, completionTokens: 0)
        return EmbeddingOutcome(response: response, usage: usage)
    }

    /// OpenAI's dialect: `GET {baseURL}/models`, which costs nothing and proves the address and
    /// the key. Azure's data plane has no such listing for deployments, so there the probe is
    /// the cheapest call that proves the deployment itself: a one-token chat completion (an
    /// embedding of "ping" for a deployment that only embeds).
    func probe(_ deployment: Deployment, provider: ProviderConfig, apiKey: String?) async throws {
        let endpoint = OpenAIEndpoint(provider: provider, apiKey: apiKey)
        let request: HTTPClientRequest
        if !endpoint.isAzure {
            request = endpoint.request(.GET, endpoint.modelsURL, body: nil)
        } else if !deployment.can(.chat), deployment.can(.embeddings) {
            request = endpoint.request(.POST, endpoint.url("embeddings", model: deployment.model), body: ["input": "ping"])
        } else {
            request = endpoint.request(.POST, endpoint.url("chat/completions", model: deployment.model),
                                       body: ["messages": [["role": "user", "content": "ping"]], "max_tokens": 1])
        }
        guard case .object = try await http.json(request, timeout: UpstreamHTTP.timeout(provider), apiKey: apiKey) else {
            throw ProviderError.malformedResponse(message: "the probe's answer is not a JSON object")
        }
    }

    /// The usage of an answer that did not report it: the prompt as estimated before the call,
    /// the completion at four characters a token.
    static func estimate(_ call: ChatCall, _ response: JSONValue) -> TokenUsage {
        let bytes = (UpstreamJSON.array(response["choices"]) ?? []).reduce(0) { total, choice in
            total + (choice["message"]?["content"]?.stringValue?.utf8.count ?? 0)
        }
        return TokenUsage(promptTokens: call.request.estimatedPromptTokens, completionTokens: TokenUsage.estimatedTokens(bytes: bytes))
    }
}
