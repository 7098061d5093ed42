import Foundation
import Shared

/// `POST /v1/embeddings`.
struct EmbeddingRequest: Sendable {
    let body: [String: JSONValue]
    let model: String
    /// Text inputs at four bytes a token, token-array inputs by their length.
    let estimatedTokens: Int

    init(json body: [String: JSONValue]) throws {
        var errors: [FieldError] = []
        self.body = body
        model = body["model"]?.stringValue ?? ""
        if model.isEmpty { errors.append(FieldError(field: "model", message: "is required: an embeddings deployment or alias")) }
        var estimate = 0
        switch body["input"] {
        case .string(let text)?:
            estimate = TokenUsage.estimatedTokens(bytes: text.utf8.count)
        case .array(let items)? where !items.isEmpty && items.count <= 2048:
            for item in items {
                switch item {
                case .string(let text): estimate += TokenUsage.estimatedTokens(bytes: text.utf8.count)
                case .number: estimate += 1
                case .array(let tokens): estimate += tokens.count
                default: errors.append(FieldError(field: "input", message: "must be a string, an array of strings, or token arrays"))
                }
            }
        default:
            errors.append(FieldError(field: "input", message: "is required: a string or an array of 1 to 2048 inputs"))
        }
        estimatedTokens = max(1, estimate)
        guard errors.isEmpty else { throw Problem.invalid(errors) }
    }

    func body(model upstream: String) -> [String: JSONValue] {
        var body = body
        body["model"] = .string(upstream)
        return body
    }
}
