import Foundation
import Hummingbird
import Logging
import Shared

/// The fleet's test clock, for administrators, served by the gateway only when `TEST_CLOCKS=true`
/// (otherwise no route matches and the answer is 404): `GET /test-clock` tells the fleet's time
/// and offset, `POST /test-clock/advance {seconds}` moves every process's clock forward. Each
/// process reads the offset from Redis within a second and its sweepers act on it at once.
struct TestClockRoutes: Sendable {
    static let paths: Set<String> = ["/test-clock", "/test-clock/advance"]

    let offset: TestClockOffset
    /// The gateway's own clock, moved at once rather than at its follower's next read.
    let clock: FleetClock

    let logger: Logger

    func add(to group: RouterGroup<AppRequestContext>) {
        group.get { _, context in
            _ = try context.requireRole(.admin)
            return State(offsetSeconds: try await offset.read())
        }
        group.post("advance") { request, context in
            let admin = try context.requireRole(.admin)
            let seconds = try await request.decode(as: Advance.self, context: context).seconds
            guard (1...TestClockOffset.maxAdvanceSeconds).contains(seconds) else {
                throw Problem.invalid("seconds", "must be a whole number of seconds from 1 to \(TestClockOffset.maxAdvanceSeconds) (ten years); the clock only moves forward")
            }
            guard let moved = try await offset.advance(by: seconds) else {
                throw Problem.invalid("seconds", "would take the fleet's clock more than \(TestClockOffset.maxOffsetSeconds) seconds (a hundred years) ahead of the real time")
            }
            clock.move(toOffsetSeconds: moved)
            // One line for the whole fleet: each member notes the move at info.
            logger.notice("the test clock moved forward", metadata: ["seconds": "\(seconds)", "offsetSeconds": "\(moved)", "by": "\(admin.subject)"])
            return State(offsetSeconds: moved)
        }
    }

    /// `POST /test-clock/advance`.
    struct Advance: Decodable {
        let seconds: Int64

        init(from decoder: any Decoder) throws {
            seconds = try decoder.container(keyedBy: CodingKeys.self).decodeWholeNumber(forKey: .seconds)
        }

        enum CodingKeys: String, CodingKey { case seconds }
    }

    /// The fleet's time and how far it is ahead of the real time.
    struct State: ResponseEncodable {
        let now: Date
        let offsetSeconds: Int64

        init(offsetSeconds: Int64) {
            now = Date().addingTimeInterval(TimeInterval(offsetSeconds))
            self.offsetSeconds = offsetSeconds
        }
    }
}
