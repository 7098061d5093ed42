import Foundation
import Synchronization

/// What this process sees of each deployment right now, for the `least_busy` and
/// `lowest_latency` strategies: calls in flight, and a moving average of latency (time to first
/// token for streams, whole-call time otherwise).
///
/// Per process on purpose: it needs no coordination, and with several replicas each one
/// balances what it sends.
final class LiveStats: Sendable {
    private struct Entry {
        var inFlight = 0
        /// Exponentially weighted moving average, seconds; nil until the first success.
        var latency: Double?
    }

    /// How much a new sample moves the average: about the last ten calls count.
    static let smoothing = 0.2

    private let entries = Mutex<[String: Entry]>([:])

    func begin(_ deployment: String) {
        entries.withLock { $0[deployment, default: Entry()].inFlight += 1 }
    }

    func end(_ deployment: String) {
        entries.withLock { $0[deployment, default: Entry()].inFlight = max(0, ($0[deployment]?.inFlight ?? 1) - 1) }
    }

    func recordLatency(_ deployment: String, _ duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        entries.withLock { entries in
            let previous = entries[deployment]?.latency
            entries[deployment, default: Entry()].latency = previous.map { $0 + Self.smoothing * (seconds - $0) } ?? seconds
        }
    }

    func inFlight(_ deployment: String) -> Int {
        entries.withLock { $0[deployment]?.inFlight ?? 0 }
    }

    /// The moving average in seconds, nil before the first success.
    func latency(_ deployment: String) -> Double? {
        entries.withLock { $0[deployment]?.latency }
    }
}
