import Foundation
import Logging
import ServiceLifecycle
import Shared

/// Enforces budgets and rate limits around model calls: before a call, its scopes' request and
/// token rates are counted in Redis and its estimated cost is reserved on every spend budget in
/// PostgreSQL; after it, the reservation is replaced by what the call really cost.
///
/// ```swift
/// let reservation = try await keeper.reserve(scopes, estimatedTokens: 900, estimatedMicros: 1_350)
/// let outcome = try await provider.chat(call)   // on failure: settle with 0
/// await keeper.settle(reservation, actualTokens: outcome.usage.totalTokens, actualMicros: deployment.costMicros(outcome.usage))
/// ```
///
/// A process that dies between the two leaves its holds behind: the keeper's run loop (it is a
/// `Service`) releases holds older than `staleHoldAge`, and a new period starts with a new usage
/// row in any case. The spent money of such a call is not known and not recorded.
final class BudgetKeeper: Service, Sendable {
    /// The budgets, for the management routes; call `invalidate()` after changing them.
    let store: BudgetStore
    private let holds: BudgetHolds
    private let limiter: RateLimiter
    private let rules: BudgetRuleCache
    private let staleHoldAge: Duration
    private let sweepInterval: Duration
    private let logger: Logger

    /// - Parameters:
    ///   - rulesMaxAge: how long budgets read from the database are trusted (changes made
    ///     through another replica are seen within this time).
    ///   - staleHoldAge: how old an unsettled reservation must be before the sweep releases it;
    ///     longer than the slowest call.
    ///   - sweepInterval: how often the sweep runs.
    init(database: Database, redis: RedisClient, logger: Logger, rulesMaxAge: Duration = .seconds(5),
         staleHoldAge: Duration = .seconds(600), sweepInterval: Duration = .seconds(60)) {
        store = BudgetStore(database: database)
        holds = BudgetHolds(database: database)
        limiter = RateLimiter(redis: redis)
        rules = BudgetRuleCache(maxAge: rulesMaxAge)
        self.staleHoldAge = staleHoldAge
        self.sweepInterval = sweepInterval
        self.logger = logger
    }

    /// Checks the request and token rate limits of every scope and reserves the estimated cost on
    /// every budget that covers the call, atomically: all or none, so that concurrent calls
    /// cannot overspend.
    /// - Throws: a 429 `BudgetRefusal` (`rate_limited` with Retry-After, or `budget_exhausted`
    ///   naming the scope); a 503 when Redis or PostgreSQL does not answer.
    func reserve(_ scopes: BudgetScopes, estimatedTokens: Int, estimatedMicros: Int64) async throws -> Reservation {
        let present = scopes.present
        guard !present.isEmpty else { return .none(estimatedTokens: estimatedTokens) }
        let budgets = try await rules.budgets(of: present) { try await store.budgets(of: $0) }
        guard !budgets.isEmpty else { return .none(estimatedTokens: estimatedTokens) }

        let limits = present.map { scope in
            let own = budgets.filter { $0.scopeKind == scope.kind && $0.scopeId == scope.id }
            return RateLimiter.Limits(scope: scope, requestsPerMinute: own.compactMap(\.requestsPerMinute).min(),
                                      tokensPerMinute: own.compactMap(\.tokensPerMinute).min())
        }
        let tokenCounters = try await limiter.take(limits, tokens: estimatedTokens)
        let id = UUIDv7.make()
        do {
            let held = try await holds.reserve(id, budgets: budgets.filter { $0.limitMicros != nil }.map(\.id),
                                               micros: max(0, estimatedMicros))
            return Reservation(id: id, holds: held, tokenCounters: tokenCounters, estimatedTokens: estimatedTokens)
        } catch {
            do {
                try await limiter.giveBack(limits, tokens: estimatedTokens)
            } catch let redisError {
                logger.warning("could not take a refused call back out of the rate limits", metadata: ["error": "\(redisError)"])
            }
            throw error
        }
    }

    /// Replaces the reservation with the actual spend (0 when the call failed). Never throws; logs.
    func settle(_ reservation: Reservation, actualTokens: Int, actualMicros: Int64) async {
        do {
            try await holds.settle(reservation, actualMicros: actualMicros, actualTokens: actualTokens)
        } catch {
            logger.error("settling a budget reservation failed; the sweep releases its holds",
                         metadata: ["reservation": "\(reservation.id)", "actualMicros": "\(actualMicros)", "error": "\(error)"])
        }
        guard !reservation.tokenCounters.isEmpty, actualTokens != reservation.estimatedTokens else { return }
        do {
            let delta = actualTokens - reservation.estimatedTokens
            try await limiter.adjust(reservation.tokenCounters.map { ($0, delta) })
        } catch {
            logger.warning("correcting the tokens-per-minute counters failed", metadata: ["error": "\(error)"])
        }
    }

    /// Forgets the cached budgets; the management routes call it after every change.
    func invalidate() {
        rules.invalidate()
    }

    /// Releases holds older than `staleHoldAge` now.
    /// - Returns: how many were released.
    @discardableResult
    func releaseStaleHolds() async throws -> Int {
        try await holds.releaseStale(olderThan: staleHoldAge)
    }

    /// Releases stale holds every `sweepInterval` until graceful shutdown.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: self.sweepInterval)
                guard !Task.isCancelled else { return }
                do {
                    let released = try await self.releaseStaleHolds()
                    if released > 0 {
                        self.logger.warning("released budget reservations that were never settled", metadata: ["holds": "\(released)"])
                    }
                } catch {
                    self.logger.warning("releasing stale budget reservations failed; will retry", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
