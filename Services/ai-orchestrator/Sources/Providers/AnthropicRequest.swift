import Foundation
import Shared

/// An OpenAI chat request in Anthropic's Messages dialect.
///
/// Translated: system and developer messages → `system` (joined by blank lines); user and
/// assistant text; `image_url` parts (data URLs → base64 sources, http(s) URLs → url sources);
/// assistant `tool_calls` → `tool_use` blocks and `tool` messages → `tool_result` blocks; `tools`,
/// `tool_choice` and `parallel_tool_calls`; `max_tokens` (the request's, else the deployment's
/// limit, else 1024, as Anthropic requires one); `temperature` (capped at Anthropic's maximum,
/// 1); `top_p`; `stop` → `stop_sequences`; `user` → `metadata.user_id`.
///
/// Refused with a 422 `rejected`, before any call, because Anthropic cannot honour them:
/// `n` above 1, `logprobs`, a JSON `response_format`, audio and file parts, non-function tools.
/// Ignored, because they only tune sampling: `frequency_penalty`, `presence_penalty`, `seed`,
/// `logit_bias`.
enum AnthropicRequest {
    /// `max_tokens` when neither the request nor the deployment sets one.
    static let defaultMaxTokens = 1024

    /// The Messages body for a call.
    /// - Throws: `ProviderError.rejected` (422) naming the member Anthropic cannot take.
    static func body(_ call: ChatCall, stream: Bool) throws -> [String: JSONValue] {
        let source = call.request.body
        var body: [String: JSONValue] = [
            "model": .string(call.deployment.model),
            "max_tokens": .number(Double(call.request.maxTokens ?? call.deployment.maxOutputTokens ?? defaultMaxTokens)),
        ]
        let (system, messages) = try translate(call.request.messages)
        if !system.isEmpty { body["system"] = .string(system.joined(separator: "\n\n")) }
        body["messages"] = .array(messages)
        if stream { body["stream"] = true }
        if let temperature = call.request.temperature { body["temperature"] = .number(min(temperature, 1)) }
        if case .number(let topP)? = source["top_p"] { body["top_p"] = .number(topP) }
        switch source["stop"] {
        case .string(let stop)?: body["stop_sequences"] = [.string(stop)]
        case .array(let stops)? where !stops.isEmpty: body["stop_sequences"] = .array(stops)
        default: break
        }
        if let user = source["user"]?.stringValue { body["metadata"] = ["user_id": .string(user)] }
        if let tools = UpstreamJSON.array(source["tools"]), !tools.isEmpty {
            body["tools"] = .array(try tools.enumerated().map(translateTool))
            if let choice = try toolChoice(source["tool_choice"], parallel: source["parallel_tool_calls"]) {
                body["tool_choice"] = choice
            }
        }
        try refuseUntranslatable(source)
        return body
    }

    private static func refuseUntranslatable(_ source: [String: JSONValue]) throws {
        if let n = UpstreamJSON.int(source["n"]), n > 1 {
            throw refusal("n", "Anthropic deployments give one choice")
        }
        if source["logprobs"] == .bool(true) { throw refusal("logprobs", "Anthropic deployments give no log probabilities") }
        if let format = source["response_format"]?["type"]?.stringValue, format != "text" {
            throw refusal("response_format", "Anthropic deployments do not take '\(format)'")
        }
    }

    /// The system text and the Anthropic messages.
    private static func translate(_ openAI: [JSONValue]) throws -> (system: [String], messages: [JSONValue]) {
        var system: [String] = []
        var messages: [[String: JSONValue]] = []
        for (index, message) in openAI.enumerated() {
            let field = "messages[\(index)]"
            switch message["role"]?.stringValue ?? "" {
            case "system", "developer":
                let text = try plainText(message["content"], field: field)
                if !text.isEmpty { system.append(text) }
            case "user":
                messages.append(["role": "user", "content": try userContent(message["content"], field: field)])
            case "assistant":
                let blocks = try assistantBlocks(message, field: field)
                if blocks.isEmpty { continue }
                if blocks.count == 1, blocks[0]["type"] == "text", let text = blocks[0]["text"] {
                    messages.append(["role": "assistant", "content": text])
                } else {
                    messages.append(["role": "assistant", "content": .array(blocks)])
                }
            case "tool":
                guard let id = message["tool_call_id"]?.stringValue else {
                    throw refusal("\(field).tool_call_id", "is required on a tool message")
                }
                let result: JSONValue = ["type": "tool_result", "tool_use_id": .string(id),
                                         "content": .string(try plainText(message["content"], field: field))]
                // The results of one turn's tool calls go back together, in one user message.
                if let last = messages.last, last["role"] == "user", case .array(var blocks)? = last["content"],
                   blocks.allSatisfy({ $0["type"] == "tool_result" }) {
                    blocks.append(result)
                    messages[messages.count - 1]["content"] = .array(blocks)
                } else {
                    messages.append(["role": "user", "content": [result]])
                }
            default:
                throw refusal("\(field).role", "is not a role Anthropic deployments take")
            }
        }
        return (system, messages.map { .object($0) })
    }

    /// String content as it is; text parts joined; anything else refused.
    private static func plainText(_ content: JSONValue?, field: String) throws -> String {
        switch content {
        case .string(let text)?: return text
        case .array(let parts)?:
            return try parts.enumerated().map { index, part in
                guard part["type"] == "text" || part["type"] == "refusal" else {
                    throw refusal("\(field).content[\(index)].type", "only text is accepted here by Anthropic deployments")
                }
                return part["text"]?.stringValue ?? part["refusal"]?.stringValue ?? ""
            }.joined(separator: "\n")
        default: return ""
        }
    }

    private static func userContent(_ content: JSONValue?, field: String) throws -> JSONValue {
        guard case .array(let parts)? = content else { return .string(content?.stringValue ?? "") }
        return .array(try parts.enumerated().map { index, part in
            let partField = "\(field).content[\(index)]"
            switch part["type"]?.stringValue {
            case "text": return ["type": "text", "text": .string(part["text"]?.stringValue ?? "")]
            case "image_url": return try image(part["image_url"], field: partField)
            case let type: throw refusal("\(partField).type", "'\(type ?? "none")' parts are not supported by Anthropic deployments")
            }
        })
    }

    private static func image(_ imageURL: JSONValue?, field: String) throws -> JSONValue {
        guard let url = imageURL?["url"]?.stringValue ?? imageURL?.stringValue else {
            throw refusal("\(field).image_url.url", "is required")
        }
        if url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") {
            let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
            guard header.hasSuffix(";base64") else { throw refusal("\(field).image_url.url", "must be a base64 data URL") }
            return ["type": "image", "source": ["type": "base64", "media_type": .string(String(header.dropLast(7))),
                                                "data": .string(String(url[url.index(after: comma)...]))]]
        }
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw refusal("\(field).image_url.url", "must be an http(s) or data URL")
        }
        return ["type": "image", "source": ["type": "url", "url": .string(url)]]
    }

    private static func assistantBlocks(_ message: JSONValue, field: String) throws -> [JSONValue] {
        var blocks: [JSONValue] = []
        let text = try plainText(message["content"], field: field)
        if !text.isEmpty { blocks.append(["type": "text", "text": .string(text)]) }
        for (index, toolCall) in (UpstreamJSON.array(message["tool_calls"]) ?? []).enumerated() {
            let callField = "\(field).tool_calls[\(index)]"
            guard let id = toolCall["id"]?.stringValue, let name = toolCall["function"]?["name"]?.stringValue else {
                throw refusal(callField, "needs an id and a function name")
            }
            let arguments = toolCall["function"]?["arguments"]?.stringValue ?? "{}"
            guard case .object(let input)? = try? UpstreamJSON.parse(arguments.isEmpty ? "{}" : arguments) else {
                throw refusal("\(callField).function.arguments", "must be a JSON object")
            }
            blocks.append(["type": "tool_use", "id": .string(id), "name": .string(name), "input": .object(input)])
        }
        return blocks
    }

    private static func translateTool(_ index: Int, _ tool: JSONValue) throws -> JSONValue {
        guard tool["type"] == "function", let function = tool["function"], let name = function["name"]?.stringValue else {
            throw refusal("tools[\(index)]", "only function tools with a name are supported by Anthropic deployments")
        }
        var translated: [String: JSONValue] = ["name": .string(name),
                                               "input_schema": function["parameters"] ?? ["type": "object", "properties": [:]]]
        if let description = function["description"]?.stringValue { translated["description"] = .string(description) }
        return .object(translated)
    }

    private static func toolChoice(_ choice: JSONValue?, parallel: JSONValue?) throws -> JSONValue? {
        var translated: [String: JSONValue]
        switch choice {
        case nil, .null?, "auto"?: translated = ["type": "auto"]
        case "required"?: translated = ["type": "any"]
        case "none"?: translated = ["type": "none"]
        case .object(let members)?:
            guard let name = members["function"]?["name"]?.stringValue else {
                throw refusal("tool_choice", "must name a function")
            }
            translated = ["type": "tool", "name": .string(name)]
        default: throw refusal("tool_choice", "must be auto, required, none or a function")
        }
        if parallel == .bool(false), translated["type"] != "none" { translated["disable_parallel_tool_use"] = true }
        if choice == nil || choice == .null, translated.count == 1 { return nil }
        return .object(translated)
    }

    private static func refusal(_ field: String, _ message: String) -> ProviderError {
        .rejected(status: 422, message: "\(field): \(message)")
    }
}
