import Foundation

/// Why an upstream call failed, as the router needs to know it: whether to retry, to fall back,
/// or to give up and tell the client.
enum ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 429: retried on the same deployment after `retryAfter` when that is short, else the next one.
    case rateLimited(retryAfter: Duration?, message: String)
    /// No answer (or no first token) within the provider's timeout.
    case timeout
    /// The prompt does not fit the model's context window: the next deployment with a larger window may take it.
    case contextOverflow(message: String)
    /// 5xx, connection refused or reset: counts against the deployment's breaker; the next one is tried.
    case unavailable(status: Int?, message: String)
    /// Another 4xx: the request itself is at fault; no retry, no fallback, the client is told.
    case rejected(status: Int, message: String)
    /// An answer that cannot be read as the API promises.
    case malformedResponse(message: String)

    /// A short label for metrics: `rate_limited`, `timeout`, `context_overflow`, `unavailable`, `rejected`, `malformed`.
    var kind: String {
        switch self {
        case .rateLimited: "rate_limited"
        case .timeout: "timeout"
        case .contextOverflow: "context_overflow"
        case .unavailable: "unavailable"
        case .rejected: "rejected"
        case .malformedResponse: "malformed"
        }
    }

    var description: String {
        switch self {
        case .rateLimited(let retryAfter, let message): "rate limited (retry after \(retryAfter.map { "\($0)" } ?? "unknown")): \(message)"
        case .timeout: "timed out"
        case .contextOverflow(let message): "context window exceeded: \(message)"
        case .unavailable(let status, let message): "unavailable (\(status.map(String.init) ?? "no answer")): \(message)"
        case .rejected(let status, let message): "rejected (\(status)): \(message)"
        case .malformedResponse(let message): "malformed response: \(message)"
        }
    }
}
