import NIOCore
import Shared

/// GCRA state in Redis, shared by every gateway replica: one event loop's way to it. A Lua
/// script reads and moves each caller's TAT atomically, on Redis's own clock, so replicas with
/// skewed clocks agree.
///
/// The requests that ask in the same turn of the loop share one script call, which decides each
/// in turn (a caller asking twice in one batch is counted twice, in order): Redis spends most of
/// a call on the call itself, so a batch of three costs it little more than one request alone.
/// The keys of a batch may belong to different hash slots, so this needs a single Redis server
/// (or a primary with replicas), not a Redis Cluster.
final class RedisRateLimitStore {
    private let connection: PipelinedRedisConnection
    private let keyPrefix: String
    private var batch: [(key: String, policy: RateLimitPolicy, decided: (Result<GCRA.Decision, any Error>) -> Void)] = []

    init(connection: PipelinedRedisConnection, keyPrefix: String) {
        self.connection = connection
        self.keyPrefix = keyPrefix
    }

    /// Takes one request from `key`'s quota and calls `decided` with the decision, or with the
    /// error that kept Redis from deciding. Call on the connection's loop.
    func take(key: String, policy: RateLimitPolicy, _ decided: @escaping (Result<GCRA.Decision, any Error>) -> Void) {
        if batch.isEmpty {
            connection.eventLoop.assumeIsolated().execute { self.sendBatch() }
        }
        batch.append((keyPrefix + "ratelimit:" + policy.name + ":" + key, policy, decided))
    }

    func close() -> EventLoopFuture<Void> {
        connection.close()
    }

    private func sendBatch() {
        let requests = batch
        batch = []
        var arguments: [String] = []
        arguments.reserveCapacity(requests.count * 2)
        for request in requests { arguments += request.policy.scriptArguments }
        connection.run(Self.script, keys: requests.map(\.key), arguments: arguments).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let reply):
                guard let values = reply.array?.compactMap(\.int), values.count == requests.count else {
                    let error = RedisError(kind: .server, message: "unexpected reply from the rate-limit script: \(reply)")
                    for request in requests { request.decided(.failure(error)) }
                    return
                }
                for (request, signedAhead) in zip(requests, values) {
                    request.decided(.success(GCRA.decision(
                        signedAhead: Int64(signedAhead), interval: request.policy.emissionIntervalMicroseconds,
                        window: request.policy.windowMicroseconds)))
                }
            case .failure(let error):
                for request in requests { request.decided(.failure(error)) }
            }
        }
    }

    /// `GCRA.decide` in Lua, for each key in turn with its two arguments (the emission interval
    /// and the window), returning one number a key, as `GCRA.decision(signedAhead:…)` reads it.
    /// Times are integer microseconds, exact in Lua's doubles until 2255.
    static let script = RedisScript("""
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        local decisions = {}
        for index, key in ipairs(KEYS) do
            local interval = tonumber(ARGV[2 * index - 1])
            local window = tonumber(ARGV[2 * index])
            local tat = tonumber(redis.call('GET', key) or now)
            if tat < now then tat = now end
            local ahead = tat + interval - now
            if ahead > window then
                decisions[index] = -ahead
            else
                redis.call('SET', key, string.format('%d', tat + interval), 'PX', math.ceil(ahead / 1000))
                decisions[index] = ahead
            end
        end
        return decisions
        """)
}
