import Foundation
import Hummingbird
import Shared

/// A provider as administrators see it: where it is and which setting holds its key, and
/// whether that setting is set in this process's environment. Never the key.
struct ProviderView: Codable, Sendable, ResponseEncodable {
    let id: UUID
    let name: String
    let kind: ProviderKind
    let baseUrl: String
    let credentialSetting: String?
    let credentialConfigured: Bool
    let apiVersion: String?
    let timeoutSeconds: Int
    let enabled: Bool
    let createdAt: Date
    let updatedAt: Date

    init(_ row: ProviderRow, keys: ProviderKeys) {
        let config = row.config
        id = config.id
        name = config.name
        kind = config.kind
        baseUrl = config.baseURL
        credentialSetting = config.credentialSetting
        credentialConfigured = keys.isConfigured(config)
        apiVersion = config.apiVersion
        timeoutSeconds = config.timeoutSeconds
        enabled = config.enabled
        createdAt = row.createdAt
        updatedAt = row.updatedAt
    }
}

/// A deployment with its provider's name.
struct DeploymentView: Codable, Sendable, ResponseEncodable {
    let id: UUID
    let name: String
    let providerId: UUID
    let provider: String
    let model: String
    let contextWindow: Int
    let maxOutputTokens: Int?
    let inputMicrosPerMillion: Int64
    let outputMicrosPerMillion: Int64
    let currency: String
    let capabilities: [Capability]
    let tier: Tier
    let enabled: Bool
    let createdAt: Date
    let updatedAt: Date

    init(_ row: DeploymentRow) {
        let deployment = row.deployment
        id = deployment.id
        name = deployment.name
        providerId = deployment.providerId
        provider = row.providerName
        model = deployment.model
        contextWindow = deployment.contextWindow
        maxOutputTokens = deployment.maxOutputTokens
        inputMicrosPerMillion = deployment.inputMicrosPerMillion
        outputMicrosPerMillion = deployment.outputMicrosPerMillion
        currency = deployment.currency
        capabilities = deployment.capabilities
        tier = deployment.tier
        enabled = deployment.enabled
        createdAt = row.createdAt
        updatedAt = row.updatedAt
    }
}

/// An alias, its targets in order.
struct AliasView: Codable, Sendable, ResponseEncodable {
    let name: String
    let strategy: RoutingStrategy
    let targets: [Alias.Target]
    let fallbacks: [String]
    let description: String?
    let createdAt: Date
    let updatedAt: Date

    init(_ row: AliasRow) {
        name = row.alias.name
        strategy = row.alias.strategy
        targets = row.alias.targets
        fallbacks = row.alias.fallbacks
        description = row.alias.description
        createdAt = row.createdAt
        updatedAt = row.updatedAt
    }
}

/// A budget with what it has spent and holds in its current period.
struct BudgetView: Codable, Sendable, ResponseEncodable {
    let id: UUID
    let scopeKind: BudgetScopeKind
    let scopeId: UUID
    let period: BudgetPeriod
    let limitMicros: Int64?
    let requestsPerMinute: Int?
    let tokensPerMinute: Int?
    let currentPeriod: BudgetUsage?

    init(_ budget: Budget, usage: BudgetUsage?) {
        id = budget.id
        scopeKind = budget.scopeKind
        scopeId = budget.scopeId
        period = budget.period
        limitMicros = budget.limitMicros
        requestsPerMinute = budget.requestsPerMinute
        tokensPerMinute = budget.tokensPerMinute
        currentPeriod = usage
    }
}
