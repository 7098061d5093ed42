import Logging
import ServiceLifecycle

/// Keeps a process's `FleetClock` on the shared test offset (`TEST_CLOCKS=true`): it reads the
/// offset from Redis four times a second, so every process sees an advance within a second, and
/// moves the clock, which wakes every sweeper and schedule waiting on it.
///
/// While Redis does not answer, the clock keeps the last offset it read (a warning says so once,
/// and a notice when Redis is back): time keeps running from there, and nothing jumps back to
/// real time because of an outage. A process that cannot read the offset when it starts begins
/// at zero and catches up once Redis answers.
public struct TestClockFollower: Service {
    let clock: FleetClock
    let offset: TestClockOffset
    let interval: Duration
    let logger: Logger

    /// - Parameters:
    ///   - clock: the clock to keep on the shared offset.
    ///   - offset: where the offset is shared.
    ///   - interval: how often it is read.
    public init(clock: FleetClock, offset: TestClockOffset, interval: Duration = .milliseconds(250), logger: Logger) {
        self.clock = clock
        self.offset = offset
        self.interval = interval
        self.logger = logger
    }

    /// Reads the offset once; `false` when Redis did not answer (the clock is left as it was).
    @discardableResult
    public func follow() async -> Bool {
        do {
            let seconds = try await offset.read()
            if seconds != clock.offsetSeconds {
                logger.info("the test clock moved", metadata: ["offsetSeconds": "\(seconds)"])
                clock.move(toOffsetSeconds: seconds)
            }
            return true
        } catch {
            return false
        }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var reachable = true
            while !Task.isCancelled {
                let answered = await follow()
                if answered != reachable {
                    reachable = answered
                    if answered {
                        logger.notice("the test clock's offset can be read again", metadata: ["offsetSeconds": "\(clock.offsetSeconds)"])
                    } else {
                        logger.warning("the test clock's offset cannot be read from Redis; keeping the last one read",
                                       metadata: ["offsetSeconds": "\(clock.offsetSeconds)"])
                    }
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
