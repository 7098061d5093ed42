/// The test clock's offset as the fleet shares it: whole seconds under one Redis key
/// (`<REDIS_KEY_PREFIX>test-clock:offset`), absent meaning zero. The gateway moves it
/// (`POST /test-clock/advance`) and every process with `TEST_CLOCKS=true` follows it
/// (`TestClockFollower`). It only moves forward; deleting the key puts the fleet back on real time.
public struct TestClockOffset: Sendable {
    /// The longest single advance: ten years.
    public static let maxAdvanceSeconds: Int64 = 3_653 * 86_400
    /// The furthest the fleet's time may run ahead of the real time: a hundred years.
    public static let maxOffsetSeconds: Int64 = 36_525 * 86_400

    let redis: RedisClient
    let key: String

    /// The offset kept in `redis`, under its key prefix.
    public init(redis: RedisClient) {
        self.redis = redis
        key = redis.key("test-clock:offset")
    }

    /// The offset now.
    /// - Throws: `RedisError` when Redis does not answer, or the key holds something else than seconds.
    public func read() async throws -> Int64 {
        let reply = try await redis.send("GET", key)
        if reply.isNull { return 0 }
        guard let text = reply.string, let seconds = Int64(text) else {
            throw RedisError(kind: .server, message: "\(key) holds \(reply), not whole seconds")
        }
        return seconds
    }

    /// Moves the offset forward by `seconds` (1 through `maxAdvanceSeconds`), atomically.
    /// - Returns: the new offset, or `nil` when it would pass `maxOffsetSeconds` (nothing moved).
    public func advance(by seconds: Int64) async throws -> Int64? {
        precondition((1...Self.maxAdvanceSeconds).contains(seconds), "an advance is 1 through \(Self.maxAdvanceSeconds) seconds")
        let reply = try await redis.run(Self.advance, keys: [key], arguments: [String(seconds), String(Self.maxOffsetSeconds)])
        guard let offset = reply.int else { throw RedisError(kind: .server, message: "unexpected reply to the advance: \(reply)") }
        return offset < 0 ? nil : Int64(offset)
    }

    private static let advance = RedisScript("""
        local offset = tonumber(redis.call('GET', KEYS[1]) or '0') + tonumber(ARGV[1])
        if offset > tonumber(ARGV[2]) then return -1 end
        redis.call('SET', KEYS[1], string.format('%d', offset))
        return offset
        """)
}
