import Foundation
import Shared

extension ProviderKind: PostgresTextDecodable {}
extension Capability: PostgresTextDecodable {}
extension Tier: PostgresTextDecodable {}
extension RoutingStrategy: PostgresTextDecodable {}

/// A provider as stored, with when it was made and last changed.
struct ProviderRow: Sendable {
    let config: ProviderConfig
    let createdAt: Date
    let updatedAt: Date

    static let columns: SQL = "id, name, kind, base_url, credential_setting, api_version, timeout_seconds, enabled, created_at, updated_at"

    init(row: PostgresRow) throws {
        config = ProviderConfig(
            id: try row.decode("id"), name: try row.decode("name"), kind: try row.decode("kind"), baseURL: try row.decode("base_url"),
            credentialSetting: try row.decode("credential_setting"), apiVersion: try row.decode("api_version"),
            timeoutSeconds: try row.decode("timeout_seconds"), enabled: try row.decode("enabled"))
        createdAt = try row.decode("created_at")
        updatedAt = try row.decode("updated_at")
    }
}

/// A deployment as stored, with its provider's name. Selected from `deployments d JOIN providers p`.
struct DeploymentRow: Sendable {
    let deployment: Deployment
    let providerName: String
    let createdAt: Date
    let updatedAt: Date

    static let columns: SQL = """
        d.id, d.name, d.provider_id, p.name AS provider_name, d.model, d.context_window, d.max_output_tokens,
        d.input_micros_per_million, d.output_micros_per_million, d.currency, d.capabilities, d.tier, d.enabled,
        d.created_at, d.updated_at
        """

    init(row: PostgresRow) throws {
        deployment = Deployment(
            id: try row.decode("id"), name: try row.decode("name"), providerId: try row.decode("provider_id"),
            model: try row.decode("model"), contextWindow: try row.decode("context_window"),
            maxOutputTokens: try row.decode("max_output_tokens"), inputMicrosPerMillion: try row.decode("input_micros_per_million"),
            outputMicrosPerMillion: try row.decode("output_micros_per_million"), currency: try row.decode("currency"),
            capabilities: try row.decode("capabilities"), tier: try row.decode("tier"), enabled: try row.decode("enabled"))
        providerName = try row.decode("provider_name")
        createdAt = try row.decode("created_at")
        updatedAt = try row.decode("updated_at")
    }
}

/// An alias as stored, its targets in order. Selected from `aliases a`.
struct AliasRow: Sendable {
    let alias: Alias
    let createdAt: Date
    let updatedAt: Date

    static let columns: SQL = """
        a.name, a.strategy, a.fallbacks, a.description, a.created_at, a.updated_at,
        coalesce((SELECT jsonb_agg(jsonb_build_object('deployment', d.name, 'weight', t.weight) ORDER BY t.position)
                  FROM alias_targets t JOIN deployments d ON d.id = t.deployment_id WHERE t.alias_name = a.name), '[]') AS targets
        """

    init(row: PostgresRow) throws {
        alias = Alias(
            name: try row.decode("name"), strategy: try row.decode("strategy"),
            targets: try row.decode("targets", as: JSONB<[Alias.Target]>.self).value,
            fallbacks: try row.decode("fallbacks"), description: try row.decode("description"))
        createdAt = try row.decode("created_at")
        updatedAt = try row.decode("updated_at")
    }
}
