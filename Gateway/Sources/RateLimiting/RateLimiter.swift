import Logging
import NIOCore
import Shared

/// Takes one request from a caller's quota: in Redis, shared by all replicas, and in this
/// process while Redis is unreachable. A breaker keeps the fallback in place for a few seconds
/// after a failure, so an outage costs one slow request, not one per request.
struct RateLimiter: Sendable {
    let redis: PerEventLoop<RedisRateLimitStore>?
    let local = LocalRateLimitStore()
    let breaker: CircuitBreaker
    let logger: Logger

    init(redis: PerEventLoop<RedisRateLimitStore>?, retryRedisAfter: Duration = .seconds(5), logger: Logger) {
        self.redis = redis
        breaker = CircuitBreaker(failureThreshold: 1, openDuration: retryRedisAfter)
        self.logger = logger
    }

    /// Decides one request of `key` under `policy` and calls `decided` on `loop`, at once when
    /// the decision is made in this process. Call on `loop`.
    func take(key: String, policy: RateLimitPolicy, on loop: any EventLoop, _ decided: @escaping (GCRA.Decision) -> Void) {
        guard let redis, breaker.allowsCall() else {
            return decided(local.take(key: key, policy: policy))
        }
        redis.value(on: loop).take(key: key, policy: policy) { result in
            switch result {
            case .success(let decision):
                breaker.recordSuccess()
                decided(decision)
            case .failure(let error):
                breaker.recordFailure()
                logger.warning("rate limits fall back to this process while Redis is unreachable", metadata: ["error": "\(error)"])
                decided(local.take(key: key, policy: policy))
            }
        }
    }
}
