import Foundation
import Shared

/// `POST /v1/chat/completions`: the client's body kept whole, so that every parameter reaches an
/// OpenAI-compatible upstream untouched, with the members routing needs read and checked.
struct ChatRequest: Sendable {
    /// The body as sent.
    let body: [String: JSONValue]
    /// An alias or a deployment's name.
    let model: String
    let messages: [JSONValue]
    let stream: Bool
    /// `stream_options.include_usage`: the client wants the usage chunk at the end of a stream.
    let includeUsage: Bool
    let temperature: Double?
    /// `max_completion_tokens`, else `max_tokens`.
    let maxTokens: Int?
    let usesTools: Bool

    static let roles: Set<String> = ["system", "developer", "user", "assistant", "tool"]

    /// Reads and checks a body.
    /// - Throws: a 400 `Problem` for JSON that is not an object, a 422 naming the field for a
    ///   missing or mistyped member.
    init(json body: [String: JSONValue]) throws {
        var errors: [FieldError] = []
        func refuse(_ field: String, _ message: String) { errors.append(FieldError(field: field, message: message)) }
        self.body = body
        model = body["model"]?.stringValue ?? ""
        if model.isEmpty { refuse("model", "is required: an alias or a deployment name (GET /v1/models)") }
        if case .array(let messages) = body["messages"], !messages.isEmpty {
            self.messages = messages
            for (index, message) in messages.enumerated() {
                guard let role = message["role"]?.stringValue, Self.roles.contains(role) else {
                    refuse("messages[\(index)].role", "must be one of \(Self.roles.sorted().joined(separator: ", "))")
                    continue
                }
                switch message["content"] {
                case .string?, .array?: break
                // An assistant turn that only calls tools has no content.
                case .null? where role == "assistant", nil where role == "assistant": break
                default: refuse("messages[\(index)].content", "must be a string or an array of content parts")
                }
            }
        } else {
            messages = []
            refuse("messages", "is required: a non-empty array of messages")
        }
        switch body["stream"] {
        case nil, .null?: stream = false
        case .bool(let value)?: stream = value
        default: stream = false; refuse("stream", "must be true or false")
        }
        includeUsage = body["stream_options"]?["include_usage"] == .bool(true)
        switch body["temperature"] {
        case nil, .null?: temperature = nil
        case .number(let value)? where (0...2).contains(value): temperature = value
        default: temperature = nil; refuse("temperature", "must be a number from 0 to 2")
        }
        var maxTokens: Int?
        for field in ["max_completion_tokens", "max_tokens"] where maxTokens == nil {
            switch body[field] {
            case nil, .null?: break
            case .number(let value)? where value >= 1 && value.rounded() == value && value <= 10_000_000: maxTokens = Int(value)
            default: refuse(field, "must be a whole number of tokens, 1 or more")
            }
        }
        self.maxTokens = maxTokens
        if case .array(let tools)? = body["tools"] { usesTools = !tools.isEmpty } else { usesTools = false }
        guard errors.isEmpty else { throw Problem.invalid(errors) }
    }

    /// The body with the upstream model's name in place of the client's.
    func body(model upstream: String) -> [String: JSONValue] {
        var body = body
        body["model"] = .string(upstream)
        return body
    }

    /// The messages' text, in order: string contents and the `text` of content parts.
    var texts: [(role: String, text: String)] {
        messages.compactMap { message in
            guard let role = message["role"]?.stringValue else { return nil }
            switch message["content"] {
            case .string(let text)?: return (role, text)
            case .array(let parts)?:
                return (role, parts.compactMap { $0["text"]?.stringValue }.joined(separator: "\n"))
            default: return (role, "")
            }
        }
    }

    /// A rough prompt size before the upstream counts it: four characters a token plus four
    /// tokens a message, as OpenAI's guidance estimates English. Used to reserve budget and to
    /// skip deployments whose window is too small; settled with the real count afterwards.
    var estimatedPromptTokens: Int {
        texts.reduce(3) { $0 + 4 + TokenUsage.estimatedTokens(bytes: $1.text.utf8.count) }
    }
}
