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

/// A deployment as stored, with its provider's name and when it was made and last changed.
struct DeploymentView: Encodable, Sendable, ResponseEncodable {
    let row: DeploymentRow
    var name: String { row.deployment.name }

    init(_ row: DeploymentRow) {
        self.row = row
    }

    private enum Added: String, CodingKey { case provider, createdAt, updatedAt }

    func encode(to encoder: any Encoder) throws {
        // The deployment's own members, and the view's beside them in the same object.
        try row.deployment.encode(to: encoder)
        var added = encoder.container(keyedBy: Added.self)
        try added.encode(row.providerName, forKey: .provider)
        try added.encode(row.createdAt, forKey: .createdAt)
        try added.encode(row.updatedAt, forKey: .updatedAt)
    }
}

/// An alias as stored, its targets in order, with when it was made and last changed.
struct AliasView: Encodable, Sendable, ResponseEncodable {
    let row: AliasRow
    var name: String { row.alias.name }

    init(_ row: AliasRow) {
        self.row = row
    }

    private enum Added: String, CodingKey { case createdAt, updatedAt }

    func encode(to encoder: any Encoder) throws {
        try row.alias.encode(to: encoder)
        var added = encoder.container(keyedBy: Added.self)
        try added.encode(row.createdAt, forKey: .createdAt)
        try added.encode(row.updatedAt, forKey: .updatedAt)
    }
}

/// A budget with what it has spent and holds in its current period.
struct BudgetView: Encodable, Sendable, ResponseEncodable {
    let budget: Budget
    let currentPeriod: BudgetUsage?
    var id: UUID { budget.id }

    init(_ budget: Budget, usage: BudgetUsage?) {
        self.budget = budget
        currentPeriod = usage
    }

    private enum Added: String, CodingKey { case currentPeriod }

    func encode(to encoder: any Encoder) throws {
        try budget.encode(to: encoder)
        var added = encoder.container(keyedBy: Added.self)
        try added.encodeIfPresent(currentPeriod, forKey: .currentPeriod)
    }
}
