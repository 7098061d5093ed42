import Foundation
import Shared

/// Which endpoint a request reached.
enum FakeRoute: Sendable {
    case chat, embeddings, models, messages
    case modelInfo(String)
}

/// The bodies a fake writes, in the dialect of the route.
struct FakeShapes {
    /// A piece of a stream as written.
    struct Frame {
        let text: String
        /// A text piece (counted, spaced), not bookkeeping.
        let isPiece: Bool
    }

    let route: FakeRoute
    let request: RecordedRequest

    var model: JSONValue { request.body?["model"] ?? "fake-model" }
    var streaming: Bool { request.body?["stream"] == .bool(true) }
    var anthropic: Bool { if case .messages = route { true } else if case .modelInfo = route { true } else { false } }

    /// Words with the space after each, so that the pieces join back to the text.
    static func words(_ text: String) -> [String] {
        var pieces: [String] = []
        var piece = ""
        for character in text {
            piece.append(character)
            if character == " " {
                pieces.append(piece)
                piece = ""
            }
        }
        if !piece.isEmpty { pieces.append(piece) }
        return pieces
    }

    static func tokens(_ text: String) -> Int { words(text).count }

    func answer(_ text: String) -> JSONValue {
        switch route {
        case .embeddings:
            let count: Int
            switch request.body?["input"] {
            case .array(let items)?: count = items.count
            default: count = 1
            }
            return ["object": "list", "model": model,
                    "data": .array((0..<count).map { ["object": "embedding", "index": .number(Double($0)), "embedding": [.number(0.25), .number(0.5), .number(0.75)]] }),
                    "usage": ["prompt_tokens": .number(Double(FakeUpstream.embeddingTokens)),
                              "total_tokens": .number(Double(FakeUpstream.embeddingTokens))]]
        case .models:
            return ["object": "list", "data": [["id": "fake-model", "object": "model", "created": 0, "owned_by": "fake"]]]
        case .modelInfo(let id):
            return ["type": "model", "id": .string(id), "display_name": "Fake", "created_at": "2025-01-01T00:00:00Z"]
        case .messages:
            return ["id": "msg_fake", "type": "message", "role": "assistant", "model": model,
                    "content": [["type": "text", "text": .string(text)]], "stop_reason": "end_turn", "stop_sequence": .null,
                    "usage": ["input_tokens": .number(Double(FakeUpstream.promptTokens)),
                              "output_tokens": .number(Double(Self.tokens(text)))]]
        case .chat:
            return ["id": "chatcmpl-fake", "object": "chat.completion", "created": 1_700_000_000, "model": model,
                    "choices": [["index": 0, "message": ["role": "assistant", "content": .string(text)], "finish_reason": "stop"]],
                    "usage": Self.usage(completion: Self.tokens(text))]
        }
    }

    func toolCallAnswer(name: String, arguments: String) -> JSONValue {
        if anthropic {
            let input = (try? JSONDecoder().decode(JSONValue.self, from: Data(arguments.utf8))) ?? [:]
            return ["id": "msg_fake", "type": "message", "role": "assistant", "model": model,
                    "content": [["type": "text", "text": "Let me check."],
                                ["type": "tool_use", "id": "toolu_fake", "name": .string(name), "input": input]],
                    "stop_reason": "tool_use", "stop_sequence": .null,
                    "usage": ["input_tokens": .number(Double(FakeUpstream.promptTokens)), "output_tokens": 9]]
        }
        return ["id": "chatcmpl-fake", "object": "chat.completion", "created": 1_700_000_000, "model": model,
                "choices": [["index": 0, "finish_reason": "tool_calls",
                             "message": ["role": "assistant", "content": .null,
                                         "tool_calls": [["id": "call_fake", "type": "function",
                                                         "function": ["name": .string(name), "arguments": .string(arguments)]]]]]],
                "usage": Self.usage(completion: 9)]
    }

    static func usage(completion: Int) -> JSONValue {
        ["prompt_tokens": .number(Double(FakeUpstream.promptTokens)), "completion_tokens": .number(Double(completion)),
         "total_tokens": .number(Double(FakeUpstream.promptTokens + completion))]
    }

    func error(status: Int, message: String) -> JSONValue {
        if anthropic {
            let type = switch status {
            case 429: "rate_limit_error"
            case 529: "overloaded_error"
            case 400: "invalid_request_error"
            case 401: "authentication_error"
            case 404: "not_found_error"
            case 413: "request_too_large"
            default: "api_error"
            }
            return ["type": "error", "error": ["type": .string(type), "message": .string(message)]]
        }
        let type = status == 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error"
        return ["error": ["message": .string(message), "type": .string(type), "param": .null, "code": .null]]
    }

    func contextOverflow() -> JSONValue {
        if anthropic {
            return ["type": "error", "error": ["type": "invalid_request_error", "message": "prompt is too long: 210000 tokens > 200000 maximum"]]
        }
        return ["error": ["message": "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
                          "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"]]
    }

    static func event(_ name: String?, _ data: JSONValue) -> Frame {
        Frame(text: (name.map { "event: \($0)\n" } ?? "") + "data: \(JSONText.write(data))\n\n", isPiece: false)
    }

    static func piece(_ name: String?, _ data: JSONValue) -> Frame {
        Frame(text: event(name, data).text, isPiece: true)
    }

    func streamEvents(pieces: [String]) -> [Frame] {
        anthropic ? anthropicStream(pieces: pieces) : openAIStream(pieces: pieces)
    }

    /// OpenAI's stream: a comment, the role chunk, a chunk per piece, the finish chunk, the
    /// usage chunk when asked (`"usage": null` on the others then), `[DONE]`.
    private func openAIStream(pieces: [String]) -> [Frame] {
        let includeUsage = request.body?["stream_options"]?["include_usage"] == .bool(true)
        func chunk(_ delta: JSONValue, finish: JSONValue = .null) -> JSONValue {
            var members: [String: JSONValue] = ["id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1_700_000_000,
                                                "model": model, "choices": [["index": 0, "delta": delta, "finish_reason": finish]]]
            if includeUsage { members["usage"] = .null }
            return .object(members)
        }
        var frames = [Frame(text: ": the fake upstream streams\n\n", isPiece: false),
                      Self.event(nil, chunk(["role": "assistant", "content": ""]))]
        frames += pieces.map { Self.piece(nil, chunk(["content": .string($0)])) }
        frames.append(Self.event(nil, chunk([:], finish: "stop")))
        if includeUsage {
            frames.append(Self.event(nil, ["id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1_700_000_000,
                                           "model": model, "choices": [], "usage": Self.usage(completion: pieces.count)]))
        }
        frames.append(Frame(text: "data: [DONE]\n\n", isPiece: false))
        return frames
    }

    /// Anthropic's stream, with a ping in it.
    private func anthropicStream(pieces: [String]) -> [Frame] {
        var frames = [
            Self.event("message_start", ["type": "message_start", "message": [
                "id": "msg_fake", "type": "message", "role": "assistant", "model": model, "content": [], "stop_reason": .null,
                "usage": ["input_tokens": .number(Double(FakeUpstream.promptTokens)), "output_tokens": 1]]]),
            Self.event("content_block_start", ["type": "content_block_start", "index": 0, "content_block": ["type": "text", "text": ""]]),
            Self.event("ping", ["type": "ping"]),
        ]
        frames += pieces.map {
            Self.piece("content_block_delta", ["type": "content_block_delta", "index": 0,
                                               "delta": ["type": "text_delta", "text": .string($0)]])
        }
        frames += [
            Self.event("content_block_stop", ["type": "content_block_stop", "index": 0]),
            Self.event("message_delta", ["type": "message_delta", "delta": ["stop_reason": "end_turn", "stop_sequence": .null],
                                         "usage": ["output_tokens": .number(Double(pieces.count))]]),
            Self.event("message_stop", ["type": "message_stop"]),
        ]
        return frames
    }

    /// A streamed tool call: Anthropic's `tool_use` block with its input in two JSON deltas, or
    /// OpenAI's `tool_calls` deltas.
    func toolCallEvents(name: String, arguments: String) -> [Frame] {
        let half = arguments.index(arguments.startIndex, offsetBy: arguments.count / 2)
        let parts = [String(arguments[..<half]), String(arguments[half...])]
        if anthropic {
            return [
                Self.event("message_start", ["type": "message_start", "message": [
                    "id": "msg_fake", "type": "message", "role": "assistant", "model": model, "content": [],
                    "usage": ["input_tokens": .number(Double(FakeUpstream.promptTokens)), "output_tokens": 1]]]),
                Self.event("content_block_start", ["type": "content_block_start", "index": 0,
                                                   "content_block": ["type": "tool_use", "id": "toolu_fake", "name": .string(name), "input": [:]]]),
            ] + parts.map {
                Self.piece("content_block_delta", ["type": "content_block_delta", "index": 0,
                                                   "delta": ["type": "input_json_delta", "partial_json": .string($0)]])
            } + [
                Self.event("content_block_stop", ["type": "content_block_stop", "index": 0]),
                Self.event("message_delta", ["type": "message_delta", "delta": ["stop_reason": "tool_use"], "usage": ["output_tokens": 9]]),
                Self.event("message_stop", ["type": "message_stop"]),
            ]
        }
        func chunk(_ delta: JSONValue, finish: JSONValue = .null) -> JSONValue {
            ["id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1_700_000_000, "model": model,
             "choices": [["index": 0, "delta": delta, "finish_reason": finish]]]
        }
        return [Self.event(nil, chunk(["role": "assistant", "content": .null,
                                       "tool_calls": [["index": 0, "id": "call_fake", "type": "function",
                                                       "function": ["name": .string(name), "arguments": ""]]]]))]
            + parts.map { Self.piece(nil, chunk(["tool_calls": [["index": 0, "function": ["arguments": .string($0)]]]])) }
            + [Self.event(nil, chunk([:], finish: "tool_calls")), Frame(text: "data: [DONE]\n\n", isPiece: false)]
    }
}
