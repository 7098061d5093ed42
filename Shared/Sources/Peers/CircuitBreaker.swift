import Synchronization

/// Stops calling a dependency that keeps failing, and tries it again after a pause.
///
/// Closed, it lets every call through and counts consecutive failures; at `failureThreshold`
/// it opens and refuses calls for `openDuration`; then, half-open, it lets one trial call
/// through: success closes it, failure opens it again. Its state can be read and reset, so an
/// operator can see why calls are refused.
public final class CircuitBreaker: Sendable {
    /// Where the breaker stands.
    public enum State: String, Sendable, Codable {
        /// Calls go through.
        case closed
        /// Calls are refused until the pause is over.
        case open
        /// One trial call may go through.
        case halfOpen
    }

    /// What the breaker has seen, for reports.
    public struct Snapshot: Sendable, Codable, Equatable {
        /// The current state.
        public var state: State
        /// Failures in a row while closed.
        public var consecutiveFailures: Int
        /// When it last opened, as seconds before now.
        public var openedSecondsAgo: Double?
    }

    private struct Status {
        var state: State = .closed
        var consecutiveFailures = 0
        var openedAt: ContinuousClock.Instant?
        var trialInFlight = false
    }

    /// How many failures in a row open the breaker.
    public let failureThreshold: Int
    /// How long it stays open before a trial call.
    public let openDuration: Duration
    private let status = Mutex(Status())

    /// Creates a closed breaker.
    public init(failureThreshold: Int = 5, openDuration: Duration = .seconds(10)) {
        self.failureThreshold = failureThreshold
        self.openDuration = openDuration
    }

    /// Whether a call may go through now; in half-open state only the first asker gets `true`.
    public func allowsCall() -> Bool {
        status.withLock { status in
            switch status.state {
            case .closed:
                return true
            case .open:
                guard let openedAt = status.openedAt, ContinuousClock.now - openedAt >= openDuration else { return false }
                status.state = .halfOpen
                status.trialInFlight = true
                return true
            case .halfOpen:
                guard !status.trialInFlight else { return false }
                status.trialInFlight = true
                return true
            }
        }
    }

    /// Records a call that succeeded: the breaker closes.
    public func recordSuccess() {
        status.withLock { status in
            status = Status()
        }
    }

    /// Records a call that failed: the breaker opens at the threshold, or again after a failed trial.
    public func recordFailure() {
        status.withLock { status in
            status.consecutiveFailures += 1
            status.trialInFlight = false
            if status.state == .halfOpen || status.consecutiveFailures >= failureThreshold {
                status.state = .open
                status.openedAt = .now
            }
        }
    }

    /// Records a call that ended without saying anything about the dependency's health (it was
    /// cancelled, or refused for a reason of its own, such as a rate limit): the state stays as
    /// it is, and a half-open breaker lets the next call be its trial.
    public func recordInconclusive() {
        status.withLock { $0.trialInFlight = false }
    }

    /// Closes the breaker by hand.
    public func reset() {
        status.withLock { $0 = Status() }
    }

    /// The current state, moving from open to half-open when the pause is over.
    public var snapshot: Snapshot {
        status.withLock { status in
            var state = status.state
            if state == .open, let openedAt = status.openedAt, ContinuousClock.now - openedAt >= openDuration {
                state = .halfOpen
            }
            let ago = status.openedAt.map { instant -> Double in
                let elapsed = ContinuousClock.now - instant
                return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            }
            return Snapshot(state: state, consecutiveFailures: status.consecutiveFailures, openedSecondsAgo: ago)
        }
    }
}
