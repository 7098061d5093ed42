import Foundation
import Synchronization

/// The time every business rule of the fleet reads: waitlist offers, unpaid enrolments, quotes,
/// pending transfers, lockouts, refund windows, renewals, quiet hours. It is the real time plus
/// an offset that is zero in production; with `TEST_CLOCKS=true` the offset follows the one an
/// administrator moves through the gateway (`POST /test-clock/advance`), so a black-box test can
/// pass fourteen days in a second and watch every service act on it.
///
/// What stays on real time, never on this clock: claims other parties check against their own
/// clocks (access tokens' `exp`, a credential's `nbf`, TOTP steps, signatures with a time in
/// them), timeouts, retries and backoffs, caches, metrics and log lines, id generation.
///
/// ```swift
/// let clock = runtime.clock
/// let offer = WaitlistOffer(expiresAt: clock.now().addingTimeInterval(86_400))
/// if offer.expiresAt <= clock.now() { … }
/// ```
///
/// The offset only moves through `move(toOffsetSeconds:)` (the follower of the shared offset
/// calls it); everything waiting in `sleep(for:)` or `sleep(until:atMost:)` wakes when it changes.
public final class FleetClock: Sendable {
    private struct State {
        var offsetSeconds: Int64 = 0
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// A clock at real time; its offset moves only when something moves it.
    public init() {}

    /// The fleet's time now.
    public func now() -> Date {
        Date().addingTimeInterval(TimeInterval(offsetSeconds))
    }

    /// How far the fleet's time is ahead of the real time, in seconds (0 in production).
    public var offsetSeconds: Int64 {
        state.withLock { $0.offsetSeconds }
    }

    /// Sets the offset, waking every sleeper when it changed.
    public func move(toOffsetSeconds offset: Int64) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard state.offsetSeconds != offset else { return [] }
            state.offsetSeconds = offset
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in woken { waiter.resume() }
    }

    /// Waits `duration` of real time, or less when the clock jumps meanwhile: a sweeper that
    /// runs every few seconds looks again at once after a jump.
    /// - Parameter seen: the offset the caller last acted on (`offsetSeconds` read before it
    ///   read `now()`); when the clock has moved from it already, the wait ends at once. By
    ///   default, the offset when the wait starts.
    /// - Throws: `CancellationError` when the task is cancelled.
    public func sleep(for duration: Duration, seen: Int64? = nil) async throws {
        let seen = seen ?? offsetSeconds
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.jump(from: seen) }
            group.addTask { try await Task.sleep(for: duration) }
            defer { group.cancelAll() }
            _ = try await group.next()
        }
        try Task.checkCancellation()
    }

    /// Waits until the fleet's time reaches `deadline`, looking again whenever the clock jumps,
    /// and at most `limit` of real time (so that a schedule also notices work added meanwhile).
    /// - Throws: `CancellationError` when the task is cancelled.
    public func sleep(until deadline: Date, atMost limit: Duration) async throws {
        let start = ContinuousClock.now
        while true {
            let seen = offsetSeconds
            let left = deadline.timeIntervalSince(Date().addingTimeInterval(TimeInterval(seen)))
            let spent = ContinuousClock.now - start
            guard left > 0, spent < limit else { return }
            try await sleep(for: min(limit - spent, .milliseconds(Int64((left * 1000).rounded(.up)))), seen: seen)
        }
    }

    /// Returns once the offset is other than `seen`, or when the task is cancelled.
    private func jump(from seen: Int64) async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if Task.isCancelled || state.offsetSeconds != seen { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
