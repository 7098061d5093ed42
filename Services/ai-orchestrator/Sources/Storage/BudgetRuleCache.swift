import Foundation
import Synchronization

/// The budgets of recently seen scopes, in memory, so that a call from a scope without budgets
/// (most calls) costs no database round trip, and rate limits are known without one.
///
/// An entry is trusted for `maxAge`; `invalidate()` (after a change through this process)
/// forgets them all. A budget changed through another replica is therefore seen here within
/// `maxAge`. Spend limits themselves are always read fresh by the reservation statement.
final class BudgetRuleCache: Sendable {
    private struct Entry {
        let budgets: [Budget]
        let loadedAt: ContinuousClock.Instant
    }

    private struct State {
        var entries: [BudgetScope: Entry] = [:]
        /// Bumped by `invalidate()`, so that a load that began before it does not store old rules.
        var generation = 0
    }

    private let state = Mutex(State())
    private let maxAge: Duration
    private let maxEntries: Int

    init(maxAge: Duration, maxEntries: Int = 100_000) {
        self.maxAge = maxAge
        self.maxEntries = maxEntries
    }

    /// The budgets of the scopes, loading those not known or too old with `load`.
    func budgets(of scopes: [BudgetScope], load: ([BudgetScope]) async throws -> [Budget]) async throws -> [Budget] {
        let now = ContinuousClock.now
        let (known, missing, generation) = state.withLock { state -> ([Budget], [BudgetScope], Int) in
            var known: [Budget] = []
            var missing: [BudgetScope] = []
            for scope in scopes {
                if let entry = state.entries[scope], now - entry.loadedAt < maxAge {
                    known += entry.budgets
                } else {
                    missing.append(scope)
                }
            }
            return (known, missing, state.generation)
        }
        guard !missing.isEmpty else { return known }
        let loaded = try await load(missing)
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count + missing.count > maxEntries {
                state.entries = state.entries.filter { now - $0.value.loadedAt < maxAge }
                if state.entries.count + missing.count > maxEntries { state.entries.removeAll(keepingCapacity: true) }
            }
            for scope in missing {
                state.entries[scope] = Entry(budgets: loaded.filter { $0.scopeKind == scope.kind && $0.scopeId == scope.id }, loadedAt: now)
            }
        }
        return known + loaded
    }

    /// Forgets every entry.
    func invalidate() {
        state.withLock { state in
            state.entries.removeAll()
            state.generation += 1
        }
    }
}
