/// How often and how long to wait before trying a failed call again: exponential backoff with
/// full jitter, capped, and a server's `Retry-After` honoured when it asks for longer.
public struct RetryPolicy: Sendable {
    /// Tries in all, the first included.
    public var maxAttempts: Int
    /// The pause before the second try, doubled for each further one.
    public var baseDelay: Duration
    /// The longest pause.
    public var maxDelay: Duration

    /// Creates a policy.
    public init(maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(50), maxDelay: Duration = .seconds(2)) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// No retries.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The pause after the given failed attempt (1-based).
    /// - Parameter retryAfter: what the server asked for, if anything; capped at `maxDelay`.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration? = nil) -> Duration {
        let exponential = baseDelay * (1 << min(attempt - 1, 16))
        let ceiling = min(exponential, maxDelay)
        let jittered = Duration.nanoseconds(Int64.random(in: 0...max(1, ceiling.nanoseconds)))
        guard let retryAfter else { return jittered }
        return min(max(retryAfter, jittered), maxDelay)
    }
}

extension Duration {
    /// The duration in whole nanoseconds.
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
