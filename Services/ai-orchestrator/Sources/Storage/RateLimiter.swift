import Foundation
import Shared

/// Requests and tokens per minute per scope, counted in Redis so that every replica shares them.
///
/// Each limit is a 60-second window that opens with the scope's first call (a counter with a
/// 60 s expiry): simple, O(1), and the refusal can say exactly when the window ends. One Lua
/// script checks every limit of every scope and counts the call in all of them, or in none, so
/// a refused call is not counted and concurrent calls cannot slip past a limit.
struct RateLimiter: Sendable {
    /// The limits of one scope; nil where it has none.
    struct Limits: Sendable, Equatable {
        let scope: BudgetScope
        let requestsPerMinute: Int?
        let tokensPerMinute: Int?
    }

    let redis: RedisClient
    static let window: Duration = .seconds(60)

    /// Counts one call of `tokens` estimated tokens in every scope's windows.
    /// - Returns: the token counters the estimate was added to (to correct at settle).
    /// - Throws: `BudgetRefusal` when a limit would be passed (nothing is counted then), or a
    ///   `RedisError` (503) when Redis does not answer: limits are enforced or the call waits.
    func take(_ limits: [Limits], tokens: Int) async throws -> [String] {
        let limited = limits.filter { $0.requestsPerMinute != nil || $0.tokensPerMinute != nil }
        guard !limited.isEmpty else { return [] }
        for limit in limited {
            if let perMinute = limit.tokensPerMinute, tokens > perMinute {
                throw BudgetRefusal.exceedsTokenLimit(scope: limit.scope.kind, perMinute: perMinute, estimatedTokens: tokens)
            }
        }
        var keys: [String] = []
        var arguments = [String(Self.window.components.seconds * 1000), String(tokens)]
        for limit in limited {
            keys += [requestCounter(limit.scope), tokenCounter(limit.scope)]
            arguments += [String(limit.requestsPerMinute ?? -1), String(limit.tokensPerMinute ?? -1)]
        }
        let reply = try await redis.run(Self.takeScript, keys: keys, arguments: arguments)
        guard let values = reply.array?.compactMap(\.int), values.count == 4 else {
            throw RedisError(kind: .server, message: "unexpected reply from the rate-limit script: \(reply)")
        }
        guard values[0] == 1 else {
            let limit = limited[values[1] - 1]
            let kind: BudgetRefusal.RateLimitKind = values[2] == 1 ? .requests : .tokens
            throw BudgetRefusal.rateLimited(
                scope: limit.scope.kind, limit: kind,
                perMinute: (kind == .requests ? limit.requestsPerMinute : limit.tokensPerMinute) ?? 0,
                retryAfterSeconds: max(1, (values[3] + 999) / 1000))
        }
        return limited.filter { $0.tokensPerMinute != nil }.map { tokenCounter($0.scope) }
    }

    /// Takes a counted call back out (its budget refused it after the limits let it through).
    func giveBack(_ limits: [Limits], tokens: Int) async throws {
        var counters: [(String, Int)] = []
        for limit in limits {
            if limit.requestsPerMinute != nil { counters.append((requestCounter(limit.scope), -1)) }
            if limit.tokensPerMinute != nil { counters.append((tokenCounter(limit.scope), -tokens)) }
        }
        try await adjust(counters)
    }

    /// Adds `delta` to each counter that still exists (its window has not ended), never below 0:
    /// a call's real tokens replace its estimate, in whichever window is open at settle time.
    func adjust(_ counters: [(key: String, delta: Int)]) async throws {
        let changed = counters.filter { $0.delta != 0 }
        guard !changed.isEmpty else { return }
        try await redis.run(Self.adjustScript, keys: changed.map(\.key), arguments: changed.map { String($0.delta) })
    }

    private func requestCounter(_ scope: BudgetScope) -> String { redis.key("ai:rate:\(scope):requests") }
    private func tokenCounter(_ scope: BudgetScope) -> String { redis.key("ai:rate:\(scope):tokens") }

    /// KEYS: a request counter and a token counter per scope. ARGV: window (ms), tokens, then
    /// per scope its requests and tokens per minute (-1: no limit).
    /// Returns {1,0,0,0} when counted, or {0, scope index, 1 requests | 2 tokens, ms left}.
    static let takeScript = RedisScript("""
        local window = tonumber(ARGV[1])
        local tokens = tonumber(ARGV[2])
        local scopes = #KEYS / 2
        for i = 1, scopes do
            local limits = {tonumber(ARGV[1 + 2 * i]), tonumber(ARGV[2 + 2 * i])}
            local costs = {1, tokens}
            for which = 1, 2 do
                local key = KEYS[2 * i - 2 + which]
                if limits[which] >= 0 then
                    local used = tonumber(redis.call('GET', key) or '0')
                    if used + costs[which] > limits[which] then
                        local left = redis.call('PTTL', key)
                        if left < 0 then left = window end
                        return {0, i, which, left}
                    end
                end
            end
        end
        for i = 1, scopes do
            local limits = {tonumber(ARGV[1 + 2 * i]), tonumber(ARGV[2 + 2 * i])}
            local costs = {1, tokens}
            for which = 1, 2 do
                local key = KEYS[2 * i - 2 + which]
                if limits[which] >= 0 then
                    redis.call('INCRBY', key, costs[which])
                    if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, window) end
                end
            end
        end
        return {1, 0, 0, 0}
        """)

    /// KEYS: counters; ARGV: the delta of each.
    static let adjustScript = RedisScript("""
        for i, key in ipairs(KEYS) do
            if redis.call('EXISTS', key) == 1 then
                if redis.call('INCRBY', key, ARGV[i]) < 0 then redis.call('SET', key, '0', 'KEEPTTL') end
            end
        end
        return 1
        """)
}
