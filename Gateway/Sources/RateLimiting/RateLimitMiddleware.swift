import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore
import Shared

/// Applies the rate-limit policy of each request to its caller: the signed-in user (verified by
/// `AccessTokenGate`, which runs first), else the client's IP address. Answers carry the IETF
/// `RateLimit-Policy` and `RateLimit` fields (draft-ietf-httpapi-ratelimit-headers); a refused
/// request gets 429 with `Retry-After`.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let policies: RateLimitPolicies
    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let policy = policies.policy(method: request.method, path: request.uri.path) else {
            return try await next(request, context)
        }
        let caller = Self.caller(context)
        let decision = await limiter.take(key: caller, policy: policy)
        if !decision.allowed {
            Counter(label: "gateway_rate_limited_total", dimensions: [("policy", policy.name), ("shadow", String(policy.shadow))]).increment()
            if policy.shadow {
                context.logger.notice("rate limit would refuse (shadow mode)", metadata: ["policy": "\(policy.name)", "caller": "\(caller)"])
                return try await next(request, context)
            }
            let problem = Self.tooManyRequests(policy: policy, retryAfterMicroseconds: decision.retryAfterMicroseconds)
            var response = ProblemMiddleware<Context>.response(for: problem, request: request, logger: context.logger)
            Self.addFields(to: &response.headers, policy: policy, decision: decision)
            return response
        }
        var response = try await next(request, context)
        if !policy.shadow { Self.addFields(to: &response.headers, policy: policy, decision: decision) }
        return response
    }

    /// Whose quota a request uses: `user:<id>` when signed in, else `ip:<address>`.
    static func caller(_ context: Context) -> String {
        if let principal = context.principal { return "user:\(principal.subject)" }
        return "ip:\(context.remoteAddress?.ipAddress ?? "unknown")"
    }

    static func addFields(to headers: inout HTTPFields, policy: RateLimitPolicy, decision: GCRA.Decision) {
        headers[.rateLimitPolicy] = "\"\(policy.name)\";q=\(policy.limit);w=\(policy.windowSeconds)"
        headers[.rateLimit] = "\"\(policy.name)\";r=\(decision.remaining);t=\(seconds(decision.resetMicroseconds))"
    }

    static func tooManyRequests(policy: RateLimitPolicy, retryAfterMicroseconds: Int64) -> Problem {
        let retryAfter = max(1, seconds(retryAfterMicroseconds))
        return Problem(.tooManyRequests, code: "rate_limited",
                       detail: "too many requests under the \(policy.name) policy (\(policy.limit) per \(policy.windowSeconds) s); retry in \(retryAfter) s",
                       extensions: ["retryAfter": .number(Double(retryAfter)), "policy": .string(policy.name)])
    }

    /// Whole seconds, rounded up.
    static func seconds(_ microseconds: Int64) -> Int {
        Int((microseconds + 999_999) / 1_000_000)
    }
}

extension HTTPField.Name {
    static let rateLimitPolicy = HTTPField.Name("RateLimit-Policy")!
    static let rateLimit = HTTPField.Name("RateLimit")!
}
