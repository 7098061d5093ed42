import Shared

/// Reads an OpenAI-compatible stream: each `data:` event is a `chat.completion.chunk`, passed
/// on as it is; `data: [DONE]` ends it. The adapter always asks for the usage chunk (the final
/// one, with empty `choices`); that chunk becomes `.usage` and is not passed on, since the
/// router re-creates it for clients that asked for it. Upstreams that ignore `include_usage`
/// get their usage estimated.
struct OpenAIStreamTranslator: StreamTranslator {
    /// Whether the client asked for `include_usage` itself: if not, the `"usage": null` the
    /// upstream adds to every chunk because the adapter asked is removed again.
    let clientWantsUsage: Bool
    let estimatedPromptTokens: Int
    let apiKey: String?

    private var usage: TokenUsage?
    private var completionBytes = 0
    private var sawFinishReason = false
    private(set) var isComplete = false

    init(clientWantsUsage: Bool, estimatedPromptTokens: Int, apiKey: String?) {
        self.clientWantsUsage = clientWantsUsage
        self.estimatedPromptTokens = estimatedPromptTokens
        self.apiKey = apiKey
    }

    mutating func parts(for event: ServerSentEvent) throws -> [StreamPart] {
        let data = event.data
        if data == "[DONE]" {
            isComplete = true
            return []
        }
        guard !data.isEmpty else { return [] }
        guard case .object(var chunk) = try UpstreamJSON.parse(data) else {
            throw ProviderError.malformedResponse(message: "a stream event is not a JSON object")
        }
        if event.name == "error" || (chunk["error"] != nil && chunk["choices"] == nil) {
            throw UpstreamFailure.streamError(chunk["error"] ?? .object(chunk), apiKey: apiKey)
        }
        guard let choices = UpstreamJSON.array(chunk["choices"]) else {
            throw ProviderError.malformedResponse(message: "a stream chunk has no choices")
        }
        let reported = OpenAIUsage.read(chunk["usage"])
        if let reported { usage = reported }
        if choices.isEmpty, reported != nil { return [] }
        for choice in choices {
            if let content = choice["delta"]?["content"]?.stringValue { completionBytes += content.utf8.count }
            if let reason = choice["finish_reason"], reason != .null { sawFinishReason = true }
        }
        if !clientWantsUsage, chunk["usage"] == .null {
            chunk.removeValue(forKey: "usage")
            return [.chunk(.object(chunk))]
        }
        // Unchanged: the upstream's text goes on as it came, unless it spans lines (one SSE
        // `data` field each), so that a chunk is not written anew. Only CR and LF end an SSE
        // line, so the bytes are looked at, not the characters (which cost 2% of a stream's CPU).
        let spansLines = data.utf8.contains { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
        return [.chunk(.object(chunk), text: spansLines ? nil : data)]
    }

    mutating func finish() throws -> [StreamPart] {
        guard isComplete || sawFinishReason else {
            throw ProviderError.unavailable(status: nil, message: "the upstream ended the stream before the answer was complete")
        }
        return [.usage(usage ?? TokenUsage(promptTokens: estimatedPromptTokens, completionTokens: TokenUsage.estimatedTokens(bytes: completionBytes)))]
    }
}
