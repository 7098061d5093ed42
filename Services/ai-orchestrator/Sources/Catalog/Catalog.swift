import Foundation
import Shared

/// How an upstream is spoken to.
enum ProviderKind: String, Codable, Sendable, CaseIterable, PostgresTextDecodable {
    /// OpenAI's Chat Completions and Embeddings API at any base URL: OpenAI, vLLM, Ollama,
    /// LiteLLM-style proxies, and Azure OpenAI when `apiVersion` is set.
    case openAICompatible = "openai_compatible"
    /// Anthropic's Messages API.
    case anthropic
    /// Answers in-process, deterministically, and says it is local: the local stack's model.
    case local
}

/// An upstream account: where it is and which setting holds its key. The key itself never
/// leaves the environment: not stored, not logged, not answered.
struct ProviderConfig: Codable, Sendable, Equatable {
    let id: UUID
    /// A slug, unique: `openai`, `azure-eastus`, `anthropic`, `local`.
    let name: String
    let kind: ProviderKind
    /// e.g. `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1`, `https://api.anthropic.com`,
    /// `https://NAME.openai.azure.com` (Azure).
    let baseURL: String
    /// The environment variable holding the API key (`OPENAI_API_KEY`), or nil for none.
    let credentialSetting: String?
    /// Azure OpenAI's `api-version`; when set, an openai_compatible provider speaks Azure's
    /// dialect (`/openai/deployments/{model}/…?api-version=`, key in the `api-key` header).
    let apiVersion: String?
    /// How long one upstream call may take before it counts as a timeout.
    let timeoutSeconds: Int
    let enabled: Bool
}

/// What a deployment can do.
enum Capability: String, Codable, Sendable, CaseIterable {
    case chat, streaming, tools, embeddings
}

/// A size class of models, for routing by the query's complexity.
enum Tier: String, Codable, Sendable, CaseIterable, Comparable, PostgresTextDecodable {
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

/// How an alias picks among its deployments.
enum RoutingStrategy: String, Codable, Sendable, CaseIterable, PostgresTextDecodable {
    /// At random, in proportion to the targets' weights.
    case weighted
    /// The target with the fewest calls in flight from this process.
    case leastBusy = "least_busy"
    /// The lowest moving average of latency (time to first token for streams).
    case lowestLatency = "lowest_latency"
    /// The cheapest for the request's estimated tokens.
    case lowestCost = "lowest_cost"
    /// The query is classified (task class, complexity) and routed to the smallest tier that
    /// suits it; weighted within the tier.
    case classified
}

/// A name clients use as `model` (`tutor-default`), mapped to weighted deployments, with
/// fallbacks tried in order when every target fails.
struct Alias: Codable, Sendable, Equatable {
    struct Target: Codable, Sendable, Equatable {
        /// A deployment's name.
        let deployment: String
        let weight: Int
    }

    let name: String
    let strategy: RoutingStrategy
    let targets: [Target]
    /// Deployment names tried, in order, after the targets.
    let fallbacks: [String]
    let description: String?
}
