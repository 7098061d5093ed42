/// The generic cell rate algorithm: each caller has a theoretical arrival time (TAT); a request
/// pushes it one emission interval further, and is allowed while the TAT stays within one window
/// of now. It gives the same answers as a token bucket refilled continuously, with one number
/// per caller. `RedisRateLimitStore.script` is the same arithmetic in Lua; keep them in step.
enum GCRA {
    struct Decision: Sendable, Equatable {
        let allowed: Bool
        /// Requests still allowed right now.
        let remaining: Int
        /// Microseconds until the caller's quota is whole again.
        let resetMicroseconds: Int64
        /// Microseconds until the next request would be allowed (0 when allowed).
        let retryAfterMicroseconds: Int64
    }

    /// The decision `RedisRateLimitStore.script` sends back as one number: how far ahead of now
    /// the caller's TAT is after the request (new TAT minus now), positive when the request was
    /// allowed and negated when it was refused (refused, the TAT stays where it was).
    static func decision(signedAhead: Int64, interval: Int64, window: Int64) -> Decision {
        if signedAhead > 0 {
            return Decision(allowed: true, remaining: Int((window - signedAhead) / interval), resetMicroseconds: signedAhead,
                            retryAfterMicroseconds: 0)
        }
        let ahead = -signedAhead
        return Decision(allowed: false, remaining: 0, resetMicroseconds: ahead - interval, retryAfterMicroseconds: ahead - window)
    }

    /// Decides one request and returns the caller's next TAT (unchanged when refused).
    static func decide(tat storedTAT: Int64?, now: Int64, interval: Int64, window: Int64) -> (Decision, newTAT: Int64) {
        let tat = max(storedTAT ?? now, now)
        let newTAT = tat + interval
        let ahead = newTAT - now
        if ahead > window {
            let decision = Decision(allowed: false, remaining: 0, resetMicroseconds: tat - now, retryAfterMicroseconds: ahead - window)
            return (decision, tat)
        }
        let decision = Decision(allowed: true, remaining: Int((window - ahead) / interval), resetMicroseconds: ahead, retryAfterMicroseconds: 0)
        return (decision, newTAT)
    }
}
