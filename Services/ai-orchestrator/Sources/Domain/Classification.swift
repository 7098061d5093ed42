import Foundation

/// How hard a query looks.
enum Complexity: String, Codable, Sendable, CaseIterable {
    case simple, moderate, complex
}

/// What a query is about and how hard it looks, and the tier of model that suits it.
struct Classification: Codable, Sendable, Equatable {
    /// `code`, `math`, `writing`, `summarization`, `translation` or `chat`.
    let taskClass: String
    let complexity: Complexity
    let tier: Tier
}
