import Foundation
import Shared

/// Deployments, as the management routes change them. Every change invalidates the snapshot.
extension CatalogStore {
    /// Deployments by name, after the cursor's name.
    func deployments(after: String?, limit: Int) async throws -> [DeploymentRow] {
        try await database.query("""
            SELECT \(DeploymentRow.columns) FROM deployments d JOIN providers p ON p.id = d.provider_id
            WHERE d.name > \(after ?? "") ORDER BY d.name LIMIT \(limit + 1)
            """).map(DeploymentRow.init(row:))
    }

    /// The deployment with this name or id.
    /// - Throws: 404 when there is none.
    func deployment(_ key: String) async throws -> DeploymentRow {
        guard let row = try await database.queryFirst("""
            SELECT \(DeploymentRow.columns) FROM deployments d JOIN providers p ON p.id = d.provider_id WHERE \(Self.match(key, table: "d"))
            """) else { throw Problem.notFound("deployment", id: key) }
        return try DeploymentRow(row: row)
    }

    /// The id of the provider with this name or id, if there is one.
    func providerId(_ key: String) async throws -> UUID? {
        try await database.queryFirst("SELECT id FROM providers WHERE \(Self.match(key))").map { try $0.decode("id") }
    }

    /// Adds a deployment. Its name must not be an alias's.
    /// - Throws: 409 `name_taken`; 422 naming `provider` when the provider is gone.
    func createDeployment(_ deployment: Deployment) async throws -> DeploymentRow {
        try await database.transaction { transaction in
            try await Self.lockNames(transaction)
            if try await transaction.queryFirst("SELECT 1 FROM aliases WHERE name = \(deployment.name)") != nil {
                throw Self.nameTaken("alias", deployment.name)
            }
            let inserted = try await Self.refusingUnknownProvider {
                try await transaction.execute("""
                    INSERT INTO deployments (id, name, provider_id, model, context_window, max_output_tokens, input_micros_per_million,
                        output_micros_per_million, currency, capabilities, tier, enabled)
                    VALUES (\(deployment.id), \(deployment.name), \(deployment.providerId), \(deployment.model), \(deployment.contextWindow),
                        \(deployment.maxOutputTokens), \(deployment.inputMicrosPerMillion), \(deployment.outputMicrosPerMillion),
                        \(deployment.currency), \(deployment.capabilities.map(\.rawValue))::text[], \(deployment.tier.rawValue), \(deployment.enabled))
                    ON CONFLICT (name) DO NOTHING
                    """)
            }
            guard inserted == 1 else { throw Self.nameTaken("deployment", deployment.name) }
        }
        invalidate()
        return try await self.deployment(deployment.id.uuidString)
    }

    /// Replaces a deployment's settings (its id and name stay).
    func updateDeployment(_ deployment: Deployment) async throws -> DeploymentRow {
        let updated = try await Self.refusingUnknownProvider {
            try await database.execute("""
                UPDATE deployments SET provider_id = \(deployment.providerId), model = \(deployment.model),
                    context_window = \(deployment.contextWindow), max_output_tokens = \(deployment.maxOutputTokens),
                    input_micros_per_million = \(deployment.inputMicrosPerMillion),
                    output_micros_per_million = \(deployment.outputMicrosPerMillion), currency = \(deployment.currency),
                    capabilities = \(deployment.capabilities.map(\.rawValue))::text[], tier = \(deployment.tier.rawValue),
                    enabled = \(deployment.enabled), updated_at = now()
                WHERE id = \(deployment.id)
                """)
        }
        guard updated == 1 else { throw Problem.notFound("deployment", id: deployment.name) }
        invalidate()
        return try await self.deployment(deployment.id.uuidString)
    }

    /// Deletes a deployment that no alias names, as a target or a fallback.
    /// - Throws: 404, or 409 `deployment_in_use` naming the aliases.
    func deleteDeployment(_ key: String) async throws {
        try await database.transaction { transaction in
            // Locked first, so that an alias being saved with this deployment commits before the check below reads.
            guard let row = try await transaction.queryFirst("SELECT id, name FROM deployments WHERE \(Self.match(key)) FOR UPDATE") else {
                throw Problem.notFound("deployment", id: key)
            }
            let (id, name) = try row.decode(UUID.self, String.self)
            let users: [String] = try await transaction.query("""
                SELECT name FROM aliases a
                WHERE \(name) = ANY(a.fallbacks) OR EXISTS (SELECT 1 FROM alias_targets t WHERE t.alias_name = a.name AND t.deployment_id = \(id))
                ORDER BY name
                """).map { try $0.decode("name") }
            guard users.isEmpty else {
                throw Problem.conflict("deployment_in_use",
                                       "the deployment is named by the aliases \(users.joined(separator: ", ")); change them first")
            }
            try await transaction.execute("DELETE FROM deployments WHERE id = \(id)")
        }
        invalidate()
    }

    /// Serialises the changes that must keep deployment and alias names apart.
    static func lockNames(_ transaction: Transaction) async throws {
        try await transaction.lock("catalog.names")
    }

    /// Runs a write, answering a provider deleted meanwhile (a foreign-key violation) as a 422.
    private static func refusingUnknownProvider<T>(_ write: () async throws -> T) async throws -> T {
        do {
            return try await write()
        } catch let error as PostgresError where error.sqlState == "23503" {
            throw Problem.invalid("provider", "names no provider")
        }
    }
}
