import Logging
import Shared

/// Takes one request from a caller's quota: in Redis, shared by all replicas, and in this
/// process while Redis is unreachable. A breaker keeps the fallback in place for a few seconds
/// after a failure, so an outage costs one slow request, not one per request.
struct RateLimiter: Sendable {
    let redis: RedisRateLimitStore?
    let local: LocalRateLimitStore
    let breaker: CircuitBreaker
    let logger: Logger

    init(redis: RedisRateLimitStore?, retryRedisAfter: Duration = .seconds(5), logger: Logger) {
        self.redis = redis
        local = LocalRateLimitStore()
        breaker = CircuitBreaker(failureThreshold: 1, openDuration: retryRedisAfter)
        self.logger = logger
    }

    func take(key: String, policy: RateLimitPolicy) async -> GCRA.Decision {
        guard let redis, breaker.allowsCall() else {
            return local.take(key: key, policy: policy)
        }
        do {
            let decision = try await redis.take(key: key, policy: policy)
            breaker.recordSuccess()
            return decision
        } catch {
            breaker.recordFailure()
            logger.warning("rate limits fall back to this process while Redis is unreachable", metadata: ["error": "\(error)"])
            return local.take(key: key, policy: policy)
        }
    }
}
