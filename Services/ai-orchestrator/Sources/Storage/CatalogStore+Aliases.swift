import Foundation
import Shared

/// Aliases, as the management routes change them. Every change invalidates the snapshot.
extension CatalogStore {
    /// Aliases by name, after the cursor's name.
    func aliases(after: String?, limit: Int) async throws -> [AliasRow] {
        try await database.query("""
            SELECT \(AliasRow.columns) FROM aliases a WHERE a.name > \(after ?? "") ORDER BY a.name LIMIT \(limit + 1)
            """).map(AliasRow.init(row:))
    }

    /// The alias with this name.
    /// - Throws: 404 when there is none.
    func alias(_ name: String) async throws -> AliasRow {
        guard let row = try await database.queryFirst("SELECT \(AliasRow.columns) FROM aliases a WHERE a.name = \(name)") else {
            throw Problem.notFound("alias", id: name)
        }
        return try AliasRow(row: row)
    }

    /// Adds an alias, or replaces one (`replacing`): its targets and fallbacks must name
    /// existing deployments, and its name must not be a deployment's.
    /// - Throws: 422 naming `targets[i].deployment` or `fallbacks[i]`; 409 `name_taken`; 404 when
    ///   replacing an alias that is gone.
    func saveAlias(_ alias: Alias, replacing: Bool) async throws -> AliasRow {
        try await database.transaction { transaction in
            try await Self.lockNames(transaction)
            if !replacing, try await transaction.queryFirst("SELECT 1 FROM deployments WHERE name = \(alias.name)") != nil {
                throw Self.nameTaken("deployment", alias.name)
            }
            // Shared locks keep the named deployments from being deleted until this commits.
            let names = alias.targets.map(\.deployment) + alias.fallbacks
            var ids: [String: UUID] = [:]
            for row in try await transaction.query("SELECT id, name FROM deployments WHERE name = ANY(\(names)::text[]) FOR SHARE") {
                let (id, name) = try row.decode(UUID.self, String.self)
                ids[name] = id
            }
            var errors: [FieldError] = []
            for (index, target) in alias.targets.enumerated() where ids[target.deployment] == nil {
                errors.append(FieldError(field: "targets[\(index)].deployment", message: "names no deployment"))
            }
            for (index, fallback) in alias.fallbacks.enumerated() where ids[fallback] == nil {
                errors.append(FieldError(field: "fallbacks[\(index)]", message: "names no deployment"))
            }
            guard errors.isEmpty else { throw Problem.invalid(errors) }

            if replacing {
                let updated = try await transaction.execute("""
                    UPDATE aliases SET strategy = \(alias.strategy.rawValue), fallbacks = \(alias.fallbacks)::text[],
                        description = \(alias.description), updated_at = now()
                    WHERE name = \(alias.name)
                    """)
                guard updated == 1 else { throw Problem.notFound("alias", id: alias.name) }
                try await transaction.execute("DELETE FROM alias_targets WHERE alias_name = \(alias.name)")
            } else {
                let inserted = try await transaction.execute("""
                    INSERT INTO aliases (name, strategy, fallbacks, description)
                    VALUES (\(alias.name), \(alias.strategy.rawValue), \(alias.fallbacks)::text[], \(alias.description))
                    ON CONFLICT (name) DO NOTHING
                    """)
                guard inserted == 1 else { throw Self.nameTaken("alias", alias.name) }
            }
            try await transaction.execute("""
                INSERT INTO alias_targets (alias_name, deployment_id, weight, position)
                SELECT \(alias.name), t.deployment_id, t.weight, t.position - 1
                FROM unnest(\(alias.targets.map { ids[$0.deployment]! })::uuid[], \(alias.targets.map(\.weight))::integer[])
                     WITH ORDINALITY AS t (deployment_id, weight, position)
                """)
        }
        invalidate()
        return try await self.alias(alias.name)
    }

    /// Deletes an alias.
    /// - Throws: 404 when there is none.
    func deleteAlias(_ name: String) async throws {
        guard try await database.execute("DELETE FROM aliases WHERE name = \(name)") == 1 else {
            throw Problem.notFound("alias", id: name)
        }
        invalidate()
    }
}
