import Foundation
import Logging
import Shared
import Synchronization

/// The model catalog: providers, deployments and aliases in PostgreSQL, served to the router
/// from an in-memory snapshot.
///
/// The snapshot is reloaded after every change made through this process (`invalidate()`, which
/// the management routes call) and at most `maxAge` after a change made through another
/// replica; concurrent callers share one reload.
final class CatalogStore: Sendable {
    private struct State {
        var snapshot: CatalogSnapshot?
        var loadedAt: ContinuousClock.Instant = .now
        /// Bumped by `invalidate()`; a snapshot loaded before the bump is not current.
        var generation = 0
        var snapshotGeneration = -1
        var loading: (generation: Int, task: Task<CatalogSnapshot, any Error>)?
    }

    let database: Database
    private let maxAge: Duration
    private let logger: Logger
    private let state = Mutex(State())

    /// - Parameters:
    ///   - maxAge: how long a snapshot is used before it is read again (changes made through
    ///     another replica are seen within this time).
    init(database: Database, maxAge: Duration = .seconds(5), logger: Logger = Logger(label: "ai-orchestrator")) {
        self.database = database
        self.maxAge = maxAge
        self.logger = logger
    }

    /// The whole catalog, from memory; reloaded after every change made through this process and
    /// at most `maxAge` after a change made elsewhere.
    /// - Throws: the database's error when a reload is due and fails.
    func snapshot() async throws -> CatalogSnapshot {
        let now = ContinuousClock.now
        let pending = state.withLock { state -> Task<CatalogSnapshot, any Error>? in
            if state.snapshotGeneration == state.generation, now - state.loadedAt < maxAge { return nil }
            if let loading = state.loading, loading.generation == state.generation { return loading.task }
            let generation = state.generation
            let task = Task { [database] in try await Self.load(database) }
            state.loading = (generation, task)
            return task
        }
        guard let pending else { return state.withLock { $0.snapshot! } }
        do {
            let snapshot = try await pending.value
            return state.withLock { state in
                if state.loading?.task == pending {
                    state.snapshot = snapshot
                    state.snapshotGeneration = state.loading!.generation
                    state.loadedAt = now
                    state.loading = nil
                }
                return snapshot
            }
        } catch {
            // Serving the last catalog beats failing every call while the database is away; it
            // is tried again after `maxAge`.
            let stale = state.withLock { state -> CatalogSnapshot? in
                guard state.loading?.task == pending else { return state.snapshot }
                state.loading = nil
                if state.snapshot != nil {
                    state.loadedAt = now
                    state.snapshotGeneration = state.generation
                }
                return state.snapshot
            }
            guard let stale else { throw error }
            logger.warning("reloading the model catalog failed; serving the last one read", metadata: ["error": "\(error)"])
            return stale
        }
    }

    /// Marks the snapshot as out of date, so that the next `snapshot()` reads the database.
    func invalidate() {
        state.withLock { $0.generation += 1 }
    }

    /// Reads the three tables in one snapshot of the database, so an alias never names a
    /// deployment the same catalog lacks.
    private static func load(_ database: Database) async throws -> CatalogSnapshot {
        let (providers, deployments, aliases) = try await database.transaction(.repeatableRead) { transaction in
            (try await transaction.query("SELECT \(ProviderRow.columns) FROM providers").map(ProviderRow.init(row:)),
             try await transaction.query("SELECT \(DeploymentRow.columns) FROM deployments d JOIN providers p ON p.id = d.provider_id")
                .map(DeploymentRow.init(row:)),
             try await transaction.query("SELECT \(AliasRow.columns) FROM aliases a").map(AliasRow.init(row:)))
        }
        return CatalogSnapshot(
            providers: Dictionary(uniqueKeysWithValues: providers.map { ($0.config.id, $0.config) }),
            deployments: Dictionary(uniqueKeysWithValues: deployments.map { ($0.deployment.name, $0.deployment) }),
            aliases: Dictionary(uniqueKeysWithValues: aliases.map { ($0.alias.name, $0.alias) }))
    }
}
