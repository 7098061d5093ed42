import Foundation

/// Tokens a call used, as the upstream reported them.
struct TokenUsage: Codable, Sendable, Equatable {
    var promptTokens: Int
    var completionTokens: Int

    var totalTokens: Int { promptTokens + completionTokens }

    static let zero = TokenUsage(promptTokens: 0, completionTokens: 0)

    /// Tokens of text that no upstream has counted: four UTF-8 bytes a token, rounded up, as
    /// OpenAI's guidance estimates English.
    static func estimatedTokens(bytes: Int) -> Int { (bytes + 3) / 4 }
}
