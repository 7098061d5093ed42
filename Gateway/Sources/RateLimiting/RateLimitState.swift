import NIOHTTP1
import HTTPTypes
import Shared

/// Where a request left its caller's quota under one policy: what the IETF `RateLimit-Policy`
/// and `RateLimit` fields tell the client (draft-ietf-httpapi-ratelimit-headers), and the 429
/// problem with `Retry-After` when the quota is spent.
struct RateLimitState: Sendable {
    let policy: RateLimitPolicy
    let decision: GCRA.Decision

    func addFields(to headers: inout HTTPHeaders) {
        headers.replaceOrAdd(name: "RateLimit-Policy", value: policy.policyField)
        headers.replaceOrAdd(name: "RateLimit", value: "\"\(policy.name)\";r=\(decision.remaining);t=\(Self.seconds(decision.resetMicroseconds))")
    }

    /// The refusal of a request over its quota.
    var tooManyRequests: Problem {
        let retryAfter = max(1, Self.seconds(decision.retryAfterMicroseconds))
        return Problem(.tooManyRequests, code: "rate_limited",
                       detail: "too many requests under the \(policy.name) policy (\(policy.limit) per \(policy.windowSeconds) s); retry in \(retryAfter) s",
                       extensions: ["retryAfter": .number(Double(retryAfter)), "policy": .string(policy.name)])
    }

    /// Whole seconds, rounded up.
    static func seconds(_ microseconds: Int64) -> Int {
        Int((microseconds + 999_999) / 1_000_000)
    }
}
