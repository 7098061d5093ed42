import Foundation
import Hummingbird
import HummingbirdTesting
import ServiceLifecycle
import Shared
import Synchronization
import TestSupport
import Testing

/// The fleet clock: real time plus an offset that tests move, waking whatever waits on it.
@Suite struct FleetClockTests {
    @Test func aNewClockTellsTheRealTimeAndAnOffsetMovesItAhead() {
        let clock = FleetClock()
        #expect(abs(clock.now().timeIntervalSinceNow) < 1)
        clock.move(toOffsetSeconds: 14 * 86_400)
        #expect(clock.offsetSeconds == 14 * 86_400)
        #expect(abs(clock.now().timeIntervalSince(Date()) - 14 * 86_400) < 1)
    }

    @Test func aSleepEndsAsSoonAsTheClockJumps() async throws {
        let clock = FleetClock()
        let started = ContinuousClock.now
        async let slept: Void = clock.sleep(for: .seconds(30))
        try await Task.sleep(for: .milliseconds(100))
        clock.move(toOffsetSeconds: 60)
        try await slept
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func aSleepEndsAtOnceWhenTheClockMovedSinceTheCallerLastLooked() async throws {
        let clock = FleetClock()
        let seen = clock.offsetSeconds
        clock.move(toOffsetSeconds: 1)
        let started = ContinuousClock.now
        try await clock.sleep(for: .seconds(30), seen: seen)
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func aSleepUntilADeadlineEndsWhenAJumpPassesItButNotWhenAJumpFallsShort() async throws {
        let clock = FleetClock()
        let deadline = clock.now().addingTimeInterval(3_600)
        let ended = Mutex(false)
        let sleeper = Task {
            try await clock.sleep(until: deadline, atMost: .seconds(60))
            ended.withLock { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(100))
        clock.move(toOffsetSeconds: 600)
        try await Task.sleep(for: .milliseconds(300))
        #expect(!ended.withLock { $0 }, "ten minutes on, an hour's deadline has not come")
        clock.move(toOffsetSeconds: 3_600)
        try await eventually(within: .seconds(5)) { ended.withLock { $0 } }
        sleeper.cancel()
    }

    @Test func aCancelledSleepThrows() async throws {
        let clock = FleetClock()
        let sleeper = Task { try await clock.sleep(for: .seconds(30)) }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test func aSweeperSweepsAgainAtOnceWithTheNewTimeWhenTheClockJumps() async throws {
        let clock = FleetClock()
        let times = Mutex<[Date]>([])
        let sweeper = Sweeper("test sweep", every: .seconds(60), clock: clock, logger: TestLogger.make("sweeper")) { now in
            times.withLock { $0.append(now) }
            return false
        }
        let running = Task { try await sweeper.run() }
        defer { running.cancel() }
        try await eventually(within: .seconds(5)) { times.withLock { $0.count } == 1 }
        clock.move(toOffsetSeconds: 86_400)
        try await eventually(within: .seconds(5)) { times.withLock { $0.count } == 2 }
        let second = times.withLock { $0[1] }
        #expect(second.timeIntervalSince(Date()) > 86_000)
    }

    @Test func aSweeperGoesOnWhileABatchWasFullAndAfterAFailure() async throws {
        let clock = FleetClock()
        let rounds = Mutex(0)
        let sweeper = Sweeper("test sweep", every: .milliseconds(50), clock: clock, logger: TestLogger.make("sweeper")) { _ in
            let round = rounds.withLock { $0 += 1; return $0 }
            if round == 3 { throw HarnessError("a failed round") }
            return round < 3
        }
        let running = Task { try await sweeper.run() }
        defer { running.cancel() }
        try await eventually(within: .seconds(5)) { rounds.withLock { $0 } >= 5 }
    }

    @Test func theSharedOffsetOnlyMovesForwardAndNeverPastAHundredYears() async throws {
        try await withTestRedis { redis in
            let offset = TestClockOffset(redis: redis)
            #expect(try await offset.read() == 0)
            #expect(try await offset.advance(by: 3_600) == 3_600)
            #expect(try await offset.advance(by: 60) == 3_660)
            #expect(try await offset.read() == 3_660)
            for _ in 0..<9 { _ = try await offset.advance(by: TestClockOffset.maxAdvanceSeconds) }
            #expect(try await offset.advance(by: TestClockOffset.maxAdvanceSeconds) == nil)
            #expect(try await offset.read() == 3_660 + 9 * TestClockOffset.maxAdvanceSeconds)
        }
    }

    @Test func aFollowerTakesUpTheSharedOffsetAndKeepsTheLastOneWhileRedisIsAway() async throws {
        try await withTestRedis { redis in
            let clock = FleetClock()
            let offset = TestClockOffset(redis: redis)
            let follower = TestClockFollower(clock: clock, offset: offset, interval: .milliseconds(50), logger: TestLogger.make("clock"))
            let running = Task { try await follower.run() }
            defer { running.cancel() }
            _ = try await offset.advance(by: 7_200)
            try await eventually(within: .seconds(1)) { clock.offsetSeconds == 7_200 }
        }
        let nowhere = try BoundSocket()
        defer { nowhere.close() }
        try await withTestRedis(url: "redis://127.0.0.1:\(nowhere.port)", commandTimeout: .milliseconds(200)) { unreachable in
            let clock = FleetClock()
            clock.move(toOffsetSeconds: 7_200)
            let follower = TestClockFollower(clock: clock, offset: TestClockOffset(redis: unreachable), logger: TestLogger.make("clock"))
            #expect(await follower.follow() == false)
            #expect(clock.offsetSeconds == 7_200)
        }
    }

    @Test func withTestClocksAServiceStartsAtTheSharedOffsetAndFollowsIt() async throws {
        try await withTestRedis { redis in
            let offset = TestClockOffset(redis: redis)
            _ = try await offset.advance(by: 86_400)
            let values = ["REDIS_URL": TestEnvironment.redisURL, "REDIS_KEY_PREFIX": redis.settings.keyPrefix, "TEST_CLOCKS": "true"]
            let runtime = try ServiceRuntime(name: "azora-ledger", reader: Settings.values(values).reader, logger: TestLogger.make("app"))
            let router = try runtime.makeRouter(authenticate: false)
            let clock = runtime.clock
            router.get("/offset") { _, _ in String(clock.offsetSeconds) }
            try await runtime.makeApplication(router: router).test(.live) { client in
                #expect(String(buffer: try await client.execute(uri: "/offset", method: .get).body) == "86400")
                _ = try await offset.advance(by: 3_600)
                // The follower reads every 250 ms; a busy machine gets more room than that.
                try await eventually(within: .seconds(5)) { clock.offsetSeconds == 90_000 }
            }
        }
    }

    @Test func withoutTestClocksTheClockStaysOnRealTimeAndNeedsNoRedis() throws {
        let runtime = try ServiceRuntime(name: "azora-ledger", reader: Settings.values(["REDIS_URL": "redis://127.0.0.1:1"]).reader,
                                         logger: TestLogger.make("app"))
        #expect(!runtime.testClocks)
        #expect(runtime.clock.offsetSeconds == 0)
    }
}
