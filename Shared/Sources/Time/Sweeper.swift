import Foundation
import Logging
import ServiceLifecycle

/// Work that comes round again on the fleet clock: expiring what has run out, renewing what is
/// due. Every `interval` it calls `sweep` with the fleet's time, again at once while `sweep`
/// says a batch was full, and at once when the clock jumps (`TEST_CLOCKS`), so that an advance
/// is acted on within moments, not at the next interval. A failed sweep is logged and tried
/// again at the next turn.
///
/// ```swift
/// runtime.addService(Sweeper("expiring offers", every: .seconds(5), clock: runtime.clock, logger: runtime.logger) { now in
///     try await offers.expire(dueBy: now, limit: 200) == 200
/// })
/// ```
public struct Sweeper: Service {
    /// What it does, for its log lines.
    public let name: String
    public let interval: Duration
    public let clock: FleetClock
    public let logger: Logger
    /// One round at the given fleet time; `true` when there is more to do at once.
    public let sweep: @Sendable (Date) async throws -> Bool

    /// - Parameters:
    ///   - name: what it does, for its log lines ("expiring pending transfers").
    ///   - interval: the real time between rounds when the clock stands still.
    ///   - clock: the fleet clock, whose jumps start a round at once.
    ///   - sweep: one round at the given fleet time; `true` when there is more to do at once.
    public init(_ name: String, every interval: Duration, clock: FleetClock, logger: Logger,
                sweep: @escaping @Sendable (Date) async throws -> Bool) {
        self.name = name
        self.interval = interval
        self.clock = clock
        self.logger = logger
        self.sweep = sweep
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let seen = clock.offsetSeconds
                do {
                    while try await sweep(clock.now()), !Task.isCancelled {}
                } catch where !(error is CancellationError) {
                    logger.warning("\(name) failed; will retry", metadata: ["error": "\(error)"])
                } catch {}
                try? await clock.sleep(for: interval, seen: seen)
            }
        }
    }
}
