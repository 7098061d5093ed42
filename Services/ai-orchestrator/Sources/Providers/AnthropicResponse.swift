import Shared

/// Anthropic's answers in OpenAI's shapes.
enum AnthropicResponse {
    /// A Messages answer as a `chat.completion`: text blocks joined into the message's content,
    /// `tool_use` blocks as `tool_calls`, the stop reason as a finish reason, and the usage.
    /// Thinking blocks are not passed on: OpenAI's shape has no place for them.
    /// - Throws: `ProviderError.malformedResponse` for an answer without content or usage.
    static func completion(_ answer: JSONValue, model: String) throws -> ChatOutcome {
        guard let blocks = UpstreamJSON.array(answer["content"]), let usage = usage(answer["usage"]) else {
            throw ProviderError.malformedResponse(message: "the Messages answer has no content or usage")
        }
        var text: [String] = []
        var toolCalls: [JSONValue] = []
        for block in blocks {
            switch block["type"]?.stringValue {
            case "text": text.append(block["text"]?.stringValue ?? "")
            case "tool_use":
                toolCalls.append(toolCall(id: block["id"], name: block["name"],
                                          arguments: .string(JSONText.write(block["input"] ?? [:]))))
            default: break
            }
        }
        var message: [String: JSONValue] = ["role": "assistant",
                                            "content": text.isEmpty && !toolCalls.isEmpty ? .null : .string(text.joined())]
        if !toolCalls.isEmpty { message["tool_calls"] = .array(toolCalls) }
        let response: JSONValue = [
            "id": answer["id"] ?? .string("msg_unknown"),
            "object": "chat.completion",
            "created": UpstreamJSON.now(),
            "model": .string(model),
            "choices": [["index": 0, "message": .object(message), "logprobs": .null,
                         "finish_reason": finishReason(answer["stop_reason"]?.stringValue)]],
            "usage": OpenAIUsage.json(usage),
        ]
        return ChatOutcome(response: response, usage: usage)
    }

    /// OpenAI's finish reason for Anthropic's stop reason.
    static func finishReason(_ stopReason: String?) -> JSONValue {
        switch stopReason {
        case "max_tokens", "model_context_window_exceeded": "length"
        case "tool_use": "tool_calls"
        case "refusal": "content_filter"
        default: "stop"  // end_turn, stop_sequence, pause_turn
        }
    }

    /// The tokens of an Anthropic `usage`: input counts the cache's reads and writes too, which
    /// Anthropic reports apart from `input_tokens`.
    static func usage(_ usage: JSONValue?) -> TokenUsage? {
        guard let input = UpstreamJSON.int(usage?["input_tokens"]) else { return nil }
        let cached = (UpstreamJSON.int(usage?["cache_creation_input_tokens"]) ?? 0)
            + (UpstreamJSON.int(usage?["cache_read_input_tokens"]) ?? 0)
        return TokenUsage(promptTokens: input + cached, completionTokens: UpstreamJSON.int(usage?["output_tokens"]) ?? 0)
    }

    /// An OpenAI tool call.
    static func toolCall(id: JSONValue?, name: JSONValue?, arguments: JSONValue) -> JSONValue {
        ["id": id ?? .null, "type": "function", "function": ["name": name ?? .null, "arguments": arguments]]
    }
}
