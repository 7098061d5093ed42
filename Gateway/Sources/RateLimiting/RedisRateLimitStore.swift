import Shared

/// GCRA state in Redis, shared by every gateway replica. One Lua script reads and moves the
/// caller's TAT atomically, on Redis's own clock, so replicas with skewed clocks agree.
struct RedisRateLimitStore: Sendable {
    let redis: RedisClient

    func take(key: String, policy: RateLimitPolicy) async throws -> GCRA.Decision {
        let reply = try await redis.run(
            Self.script, keys: [redis.key("ratelimit:\(policy.name):\(key)")],
            arguments: [String(policy.emissionIntervalMicroseconds), String(policy.windowMicroseconds)])
        guard let values = reply.array?.compactMap(\.int), values.count == 4 else {
            throw RedisError(kind: .server, message: "unexpected reply from the rate-limit script: \(reply)")
        }
        return GCRA.Decision(allowed: values[0] == 1, remaining: values[1],
                             resetMicroseconds: Int64(values[2]), retryAfterMicroseconds: Int64(values[3]))
    }

    /// `GCRA.decide` in Lua. Times are integer microseconds, exact in Lua's doubles until 2255.
    static let script = RedisScript("""
        local interval = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        local tat = tonumber(redis.call('GET', KEYS[1]) or now)
        if tat < now then tat = now end
        local new_tat = tat + interval
        local ahead = new_tat - now
        if ahead > window then
            return {0, 0, tat - now, ahead - window}
        end
        redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil(ahead / 1000))
        return {1, math.floor((window - ahead) / interval), ahead, 0}
        """)
}
