import Shared

/// Reads Anthropic's Messages stream and speaks OpenAI's: `message_start` → a first chunk with
/// `delta: {role: assistant, content: ""}`; each `text_delta` → a `content` chunk; a `tool_use`
/// block → a `tool_calls` chunk with its id and name, then its `input_json_delta`s as argument
/// chunks; `message_delta` → the final chunk with the finish reason; `message_stop` ends it.
/// `ping`, thinking deltas and unknown events (Anthropic may add some) pass silently; `error`
/// ends the stream with the `ProviderError` it stands for. Usage: input tokens from
/// `message_start`, output tokens from `message_delta` (which carries the running total).
struct AnthropicStreamTranslator: StreamTranslator {
    let model: String
    let apiKey: String?
    private let created = UpstreamJSON.now()
    private var id: JSONValue = "msg_unknown"
    private var usage = TokenUsage.zero
    /// The OpenAI tool call index of each `tool_use` content block.
    private var toolIndexes: [Int: Int] = [:]
    private var sawStopReason = false
    private(set) var isComplete = false

    init(model: String, apiKey: String?) {
        self.model = model
        self.apiKey = apiKey
    }

    mutating func parts(for event: ServerSentEvent) throws -> [StreamPart] {
        guard !event.data.isEmpty else { return [] }
        let payload = try UpstreamJSON.parse(event.data)
        switch event.name ?? payload["type"]?.stringValue {
        case "message_start":
            id = payload["message"]?["id"] ?? id
            if let reported = AnthropicResponse.usage(payload["message"]?["usage"]) { usage = reported }
            return [chunk(["role": "assistant", "content": ""])]
        case "content_block_start":
            let block = payload["content_block"]
            if block?["type"] == "tool_use", let blockIndex = UpstreamJSON.int(payload["index"]) {
                let index = toolIndexes.count
                toolIndexes[blockIndex] = index
                let call = AnthropicResponse.toolCall(id: block?["id"], name: block?["name"], arguments: "")
                guard case .object(var members) = call else { return [] }
                members["index"] = .number(Double(index))
                return [chunk(["tool_calls": [.object(members)]])]
            }
            if let text = block?["text"]?.stringValue, !text.isEmpty { return [chunk(["content": .string(text)])] }
            return []
        case "content_block_delta":
            let delta = payload["delta"]
            switch delta?["type"]?.stringValue {
            case "text_delta":
                return [chunk(["content": delta?["text"] ?? ""])]
            case "input_json_delta":
                guard let blockIndex = UpstreamJSON.int(payload["index"]), let index = toolIndexes[blockIndex] else { return [] }
                return [chunk(["tool_calls": [["index": .number(Double(index)),
                                               "function": ["arguments": delta?["partial_json"] ?? ""]]]])]
            default:
                return []
            }
        case "message_delta":
            if let output = UpstreamJSON.int(payload["usage"]?["output_tokens"]) { usage.completionTokens = output }
            if let input = UpstreamJSON.int(payload["usage"]?["input_tokens"]), input > 0,
               let total = AnthropicResponse.usage(payload["usage"]) {
                usage.promptTokens = total.promptTokens
            }
            guard let stopReason = payload["delta"]?["stop_reason"]?.stringValue else { return [] }
            sawStopReason = true
            return [chunk([:], finishReason: AnthropicResponse.finishReason(stopReason))]
        case "message_stop":
            isComplete = true
            return []
        case "error":
            throw UpstreamFailure.streamError(payload["error"], apiKey: apiKey)
        default:
            return []
        }
    }

    mutating func finish() throws -> [StreamPart] {
        guard isComplete || sawStopReason else {
            throw ProviderError.unavailable(status: nil, message: "the upstream ended the stream before the answer was complete")
        }
        return [.usage(usage)]
    }

    private func chunk(_ delta: [String: JSONValue], finishReason: JSONValue = .null) -> StreamPart {
        .chunk(["id": id, "object": "chat.completion.chunk", "created": created, "model": .string(model),
                "choices": [["index": 0, "delta": .object(delta), "logprobs": .null, "finish_reason": finishReason]]])
    }
}
