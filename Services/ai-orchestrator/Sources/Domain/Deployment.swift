import Foundation

/// What a deployment can do.
enum Capability: String, Codable, Sendable, CaseIterable {
    case chat, streaming, tools, embeddings
}

/// A size class of models, for routing by the query's complexity.
enum Tier: String, Codable, Sendable, CaseIterable, Comparable {
    case small, medium, large

    static func < (lhs: Tier, rhs: Tier) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One model at one provider, with what it costs and can do.
struct Deployment: Codable, Sendable, Equatable {
    let id: UUID
    /// A slug, unique: `gpt-4o-mini@openai`.
    let name: String
    let providerId: UUID
    /// The model's name upstream (`gpt-4o-mini`, `claude-sonnet-4-5`, or an Azure deployment name).
    let model: String
    /// Input plus output tokens the model accepts.
    let contextWindow: Int
    /// The most output tokens it produces, when the model has a limit below the window.
    let maxOutputTokens: Int?
    /// Price per million input tokens, in micro-units (10⁻⁶) of `currency`'s major unit: $0.15
    /// per million is 150000. AI calls cost fractions of a cent, so costs are metered in micros.
    let inputMicrosPerMillion: Int64
    let outputMicrosPerMillion: Int64
    let currency: String
    let capabilities: [Capability]
    let tier: Tier
    let enabled: Bool

    func can(_ capability: Capability) -> Bool { capabilities.contains(capability) }

    /// The cost of a call in micros, rounded up so that metering never under-charges.
    func costMicros(_ usage: TokenUsage) -> Int64 {
        let micros = Int64(usage.promptTokens) * inputMicrosPerMillion + Int64(usage.completionTokens) * outputMicrosPerMillion
        return (micros + 999_999) / 1_000_000
    }
}
