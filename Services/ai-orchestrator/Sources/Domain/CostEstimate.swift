import Foundation

/// The tokens a call is expected to use, for the lowest-cost order and the budget reservation.
struct CostEstimate: Sendable {
    let promptTokens: Int
    let completionTokens: Int

    var usage: TokenUsage { TokenUsage(promptTokens: promptTokens, completionTokens: completionTokens) }
}
