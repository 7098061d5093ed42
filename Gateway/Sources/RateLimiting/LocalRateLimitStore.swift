#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// GCRA state kept in this process: what the gateway falls back to while Redis is unreachable,
/// so that limits still hold per replica instead of vanishing or refusing everyone.
final class LocalRateLimitStore: Sendable {
    private let state = Mutex<(tats: [String: Int64], decisions: Int)>(([:], 0))
    /// Forgotten callers are swept out every this many decisions, so memory stays bounded.
    private let sweepEvery = 10_000

    func take(key: String, policy: RateLimitPolicy, now: Int64 = LocalRateLimitStore.nowMicroseconds()) -> GCRA.Decision {
        state.withLock { state in
            let (decision, newTAT) = GCRA.decide(tat: state.tats[key], now: now,
                                                 interval: policy.emissionIntervalMicroseconds, window: policy.windowMicroseconds)
            state.tats[key] = newTAT
            state.decisions += 1
            if state.decisions % sweepEvery == 0 {
                state.tats = state.tats.filter { $0.value > now }
            }
            return decision
        }
    }

    /// Wall-clock microseconds, the unit the Redis script uses too.
    static func nowMicroseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1000
    }
}
