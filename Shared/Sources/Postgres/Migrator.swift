import Foundation
import Logging

/// Applies a schema's migrations at start, each at most once, even when several replicas start
/// together.
///
/// A session-level advisory lock keyed by the schema serialises migrators; each step runs in its
/// own transaction together with its row in the schema's `schema_migrations` table, so a crash
/// leaves a step either wholly applied and recorded or not at all.
public struct Migrator: Sendable {
    let database: Database
    let logger: Logger

    /// Creates a migrator for the database's own schema.
    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Applies the steps that have not been applied yet, in order.
    /// - Returns: the ids of the steps applied now.
    /// - Throws: `MigrationError.changedAfterApplying` when an applied step's script changed,
    ///   `MigrationError.unknownApplied` when the schema has a step this binary does not know
    ///   (an older binary against a newer schema), or the step's SQL error.
    @discardableResult
    public func migrate(_ migrations: [Migration]) async throws -> [String] {
        let schema = database.settings.schema
        let ids = migrations.map(\.id)
        precondition(Set(ids).count == ids.count, "migration ids must be unique")
        let appliedNow = try await database.withLockedSession(lockKey: "azora.migrations.\(schema)") { session in
            // The schema normally exists already, made for the service's role by whoever set up
            // the database; creating it here serves fresh test schemas.
            if try session.query("SELECT 1 FROM pg_namespace WHERE nspname = \(schema)").isEmpty {
                try session.run("CREATE SCHEMA \(Self.quote(schema))")
            }
            try session.run(
                """
                CREATE TABLE IF NOT EXISTS \(Self.quote(schema)).schema_migrations (
                    id text PRIMARY KEY,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                );
                """)
            let applied = try session.query("SELECT id, checksum FROM schema_migrations")
            var appliedChecksums: [String: String] = [:]
            for row in applied {
                appliedChecksums[try row.decode("id")] = try row.decode("checksum")
            }
            for id in appliedChecksums.keys where !ids.contains(id) {
                throw MigrationError.unknownApplied(id)
            }
            var appliedNow: [String] = []
            for migration in migrations {
                if let checksum = appliedChecksums[migration.id] {
                    guard checksum == migration.checksum else { throw MigrationError.changedAfterApplying(migration.id) }
                    continue
                }
                try session.run("BEGIN")
                do {
                    try session.run(migration.sql)
                    try session.execute(
                        "INSERT INTO schema_migrations (id, checksum) VALUES (\(migration.id), \(migration.checksum))")
                    try session.run("COMMIT")
                } catch {
                    try? session.run("ROLLBACK")
                    throw MigrationError.failed(migration.id, error)
                }
                appliedNow.append(migration.id)
            }
            return appliedNow
        }
        if !appliedNow.isEmpty {
            logger.notice("applied migrations", metadata: ["schema": "\(schema)", "migrations": "\(appliedNow)"])
        }
        return appliedNow
    }

    private static func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Why migrating stopped; the process does not start.
public enum MigrationError: Error, CustomStringConvertible {
    /// An applied step's script is not the one recorded.
    case changedAfterApplying(String)
    /// The schema records a step this binary does not have.
    case unknownApplied(String)
    /// A step's SQL failed; nothing of it was applied.
    case failed(String, any Error)

    public var description: String {
        switch self {
        case .changedAfterApplying(let id):
            "migration \(id) was changed after it was applied; add a new migration instead"
        case .unknownApplied(let id):
            "the schema has migration \(id), which this build does not know; is an older build starting?"
        case .failed(let id, let error):
            "migration \(id) failed: \(error)"
        }
    }
}
