import Foundation
import HTTPTypes
import Shared

/// Providers, as the management routes change them. Every change invalidates the snapshot.
extension CatalogStore {
    /// Providers by name, after the cursor's name.
    func providers(after: String?, limit: Int) async throws -> [ProviderRow] {
        try await database.query("""
            SELECT \(ProviderRow.columns) FROM providers WHERE name > \(after ?? "") ORDER BY name LIMIT \(limit + 1)
            """).map(ProviderRow.init(row:))
    }

    /// The provider with this name or id.
    /// - Throws: 404 when there is none.
    func provider(_ key: String) async throws -> ProviderRow {
        guard let row = try await database.queryFirst("SELECT \(ProviderRow.columns) FROM providers WHERE \(Self.match(key))") else {
            throw Problem.notFound("provider", id: key)
        }
        return try ProviderRow(row: row)
    }

    /// Adds a provider.
    /// - Throws: 409 `name_taken`.
    func createProvider(_ config: ProviderConfig) async throws -> ProviderRow {
        guard let row = try await database.queryFirst("""
            INSERT INTO providers (id, name, kind, base_url, credential_setting, api_version, timeout_seconds, enabled)
            VALUES (\(config.id), \(config.name), \(config.kind.rawValue), \(config.baseURL), \(config.credentialSetting),
                    \(config.apiVersion), \(config.timeoutSeconds), \(config.enabled))
            ON CONFLICT (name) DO NOTHING
            RETURNING \(ProviderRow.columns)
            """) else { throw Self.nameTaken("provider", config.name) }
        invalidate()
        return try ProviderRow(row: row)
    }

    /// Replaces a provider's settings (its id and name stay).
    func updateProvider(_ config: ProviderConfig) async throws -> ProviderRow {
        guard let row = try await database.queryFirst("""
            UPDATE providers SET kind = \(config.kind.rawValue), base_url = \(config.baseURL),
                credential_setting = \(config.credentialSetting), api_version = \(config.apiVersion),
                timeout_seconds = \(config.timeoutSeconds), enabled = \(config.enabled), updated_at = now()
            WHERE id = \(config.id)
            RETURNING \(ProviderRow.columns)
            """) else { throw Problem.notFound("provider", id: config.name) }
        invalidate()
        return try ProviderRow(row: row)
    }

    /// Deletes a provider that no deployment uses.
    /// - Throws: 404, or 409 `provider_in_use` naming the deployments.
    func deleteProvider(_ key: String) async throws {
        try await database.transaction { transaction in
            guard let row = try await transaction.queryFirst("SELECT id FROM providers WHERE \(Self.match(key)) FOR UPDATE") else {
                throw Problem.notFound("provider", id: key)
            }
            let id: UUID = try row.decode("id")
            let users: [String] = try await transaction.query("SELECT name FROM deployments WHERE provider_id = \(id) ORDER BY name")
                .map { try $0.decode("name") }
            guard users.isEmpty else {
                throw Problem.conflict("provider_in_use", "the provider is used by the deployments \(users.joined(separator: ", ")); delete or move them first")
            }
            try await transaction.execute("DELETE FROM providers WHERE id = \(id)")
        }
        invalidate()
    }

    /// `id = …` when the key is a UUID, else `name = …`.
    static func match(_ key: String, table: String? = nil) -> SQL {
        let prefix = table.map { "\($0)." } ?? ""
        if let id = UUID(uuidString: key) { return "\(SQL(stringLiteral: prefix))id = \(id)" }
        return "\(SQL(stringLiteral: prefix))name = \(key)"
    }

    static func nameTaken(_ kind: String, _ name: String) -> Problem {
        Problem(.conflict, code: "name_taken", detail: "a \(kind) named \(name) exists",
                fieldErrors: [FieldError(field: "name", message: "is taken")])
    }
}
