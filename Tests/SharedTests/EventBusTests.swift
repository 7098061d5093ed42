import Foundation
import Logging
import ServiceLifecycle
import Shared
import Synchronization
import TestSupport
import Testing

/// The event bus against real PostgreSQL and Redis: the outbox, the relay and consumers.
@Suite struct EventBusTests {
    struct LessonCompleted: Codable, Equatable {
        let lessonId: Int
    }

    static let quickConsumer: ConsumerSettings = {
        var settings = ConsumerSettings()
        settings.blockFor = .milliseconds(100)
        settings.claimAfter = .milliseconds(150)
        settings.sweepEvery = .zero
        settings.maxDeliveries = 3
        return settings
    }()

    /// Runs the migrations of the bus and a `progress` table handlers write to.
    static func prepare(_ database: Database) async throws {
        try await Migrator(database: database, logger: TestLogger.make("m")).migrate(
            EventMigrations.all + [Migration(id: "test/0001_progress", sql: "CREATE TABLE progress (lesson int NOT NULL)")])
    }

    /// Runs `body` with the bus's tables migrated, a relay moving up to `batchSize` events a
    /// round, and an outbox that wakes it.
    static func withRelay(batchSize: Int = 500, _ body: (Database, RedisClient, OutboxRelay, Outbox) async throws -> Void)
        async throws
    {
        try await withTestDatabase { database in
            try await withTestRedis { redis in
                try await prepare(database)
                let relay = OutboxRelay(database: database, redis: redis, logger: TestLogger.make("relay"), batchSize: batchSize)
                try await body(database, redis, relay, Outbox(source: "tests", relay: relay, clock: FleetClock()))
            }
        }
    }

    static func publish(_ lesson: Int, through outbox: Outbox, database: Database) async throws -> EventEnvelope {
        try await database.transaction { transaction in
            try await outbox.publish("lesson.completed", subject: String(lesson), data: LessonCompleted(lessonId: lesson),
                                     in: transaction)
        }
    }

    static func streamLength(_ redis: RedisClient, _ type: String = "lesson.completed") async throws -> Int {
        try await redis.send("XLEN", redis.key(EventStreams.stream(for: type))).int ?? 0
    }

    /// The lesson ids on a stream, oldest first.
    static func lessons(on type: String, _ redis: RedisClient) async throws -> [Int] {
        try await redis.send("XRANGE", redis.key(EventStreams.stream(for: type)), "-", "+").array!.map { entry in
            let json = try #require(entry.array?.last?.array?.last?.string)
            return try JSONCoding.makeDecoder().decode(EventEnvelope.self, from: Data(json.utf8)).decode(LessonCompleted.self).lessonId
        }
    }

    static func eventually(_ timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test func anEventWrittenWhileRedisIsDownReachesTheStreamOnceRedisIsBack() async throws {
        let server = try await RedisServer.start()
        defer { server.discard() }
        try await withTestDatabase { database in
            try await withTestRedis(url: server.url) { redis in
                try await Self.prepare(database)
                let relay = OutboxRelay(database: database, redis: redis, logger: TestLogger.make("relay"),
                                        pollInterval: .milliseconds(50))
                let outbox = Outbox(source: "tests", relay: relay, clock: FleetClock())
                let group = ServiceGroup(services: [relay], logger: TestLogger.make("group"))
                let running = Task { try await group.run() }

                server.stop()
                let event = try await Self.publish(1, through: outbox, database: database)
                try await Task.sleep(for: .milliseconds(300))
                let waiting = try await database.queryFirst("SELECT count(*) AS n FROM outbox")
                #expect(try waiting?.decode("n", as: Int.self) == 1, "the event waits in the outbox while Redis is down")

                try await server.startServer()
                #expect(try await Self.eventually { try await Self.streamLength(redis) == 1 })
                try await Task.sleep(for: .milliseconds(300))
                #expect(try await Self.streamLength(redis) == 1, "appended exactly once")
                let entries = try await redis.send("XRANGE", redis.key(EventStreams.stream(for: "lesson.completed")), "-", "+")
                let json = try #require(entries.array?.first?.array?.last?.array?.last?.string)
                let delivered = try JSONCoding.makeDecoder().decode(EventEnvelope.self, from: Data(json.utf8))
                #expect(delivered == event)

                await group.triggerGracefulShutdown()
                try await running.value
            }
        }
    }

    @Test func eventsOnTheStreamAndTheConsumersPlaceSurviveRedisBeingKilled() async throws {
        // Redis as the fleet runs it (deploy/redis/redis.conf), killed as a crash would kill it.
        let server = try await RedisServer.start(fleetSettings: true)
        defer { server.discard() }
        try await withTestDatabase { database in
            try await withTestRedis(url: server.url) { redis in
                try await Self.prepare(database)
                let relay = OutboxRelay(database: database, redis: redis, logger: TestLogger.make("relay"))
                let outbox = Outbox(source: "tests", relay: relay, clock: FleetClock())
                let recordProgress = EventHandler("lesson.completed") { event, transaction in
                    try await transaction.execute("INSERT INTO progress VALUES (\(try event.decode(LessonCompleted.self).lessonId))")
                }
                let consumer = EventConsumer(group: "learning", database: database, redis: redis, handlers: [recordProgress],
                                             settings: Self.quickConsumer, logger: TestLogger.make("consumer"))
                try await database.transaction { transaction in
                    for lesson in 1...200 {
                        try await outbox.publish("lesson.completed", subject: String(lesson), data: LessonCompleted(lessonId: lesson),
                                                 in: transaction)
                    }
                }
                #expect(try await relay.relayOnce() == 200)
                try await consumer.consumeOnce()
                let position = try await Self.lastDeliveredID(of: "learning", redis)

                server.kill()
                try await server.startServer()

                #expect(try await Self.lessons(on: "lesson.completed", redis) == Array(1...200))
                #expect(try await Self.lastDeliveredID(of: "learning", redis) == position, "the group's place survives too")
                #expect(try await Self.eventually(.seconds(30)) {
                    try await consumer.consumeOnce()
                    return try await database.queryFirst("SELECT count(*) AS n FROM progress")?.decode("n", as: Int.self) == 200
                })
                let lessons = try await database.query("SELECT lesson FROM progress ORDER BY lesson").map { try $0.decode("lesson", as: Int.self) }
                #expect(lessons == Array(1...200), "each event handled once")
            }
        }
    }

    /// The id of the last message a consumer group was given on the `lesson.completed` stream.
    static func lastDeliveredID(of group: String, _ redis: RedisClient) async throws -> String? {
        let groups = try await redis.send("XINFO", "GROUPS", redis.key(EventStreams.stream(for: "lesson.completed")))
        let fields = try #require(groups.array?.first { $0.array?[1].string == group }?.array)
        return stride(from: 0, to: fields.count - 1, by: 2).first { fields[$0].string == "last-delivered-id" }.flatMap { fields[$0 + 1].string }
    }

    @Test func relayingAnEventAgainAfterACrashDoesNotAppendItTwice() async throws {
        try await Self.withRelay { database, redis, relay, outbox in
            let event = try await Self.publish(7, through: outbox, database: database)
            #expect(try await relay.relayOnce() == 1)
            // As if the process had died after appending but before deleting the row.
            try await database.transaction { try await outbox.append(event, in: $0) }
            #expect(try await relay.relayOnce() == 1)
            #expect(try await Self.streamLength(redis) == 1)
        }
    }

    @Test func aRoundOfManyEventsOfTwoTypesPutsEachOnItsStreamOnceAndInOrder() async throws {
        try await Self.withRelay { database, redis, relay, outbox in
            // More than two calls' worth of the append script (100 events each), the two types interleaved.
            let count = 250
            let events = try await database.transaction { transaction in
                var events: [EventEnvelope] = []
                for lesson in 0..<count {
                    events.append(try await outbox.publish(lesson.isMultiple(of: 3) ? "lesson.skipped" : "lesson.completed",
                                                           subject: String(lesson), data: LessonCompleted(lessonId: lesson),
                                                           in: transaction))
                }
                return events
            }
            #expect(try await relay.relayOnce() == count)
            let skipped = (0..<count).filter { $0.isMultiple(of: 3) }
            let completed = (0..<count).filter { !$0.isMultiple(of: 3) }
            #expect(try await Self.lessons(on: "lesson.skipped", redis) == skipped)
            #expect(try await Self.lessons(on: "lesson.completed", redis) == completed)

            // As if the process had died after appending but before deleting the rows.
            try await database.transaction { transaction in
                for event in events { try await outbox.append(event, in: transaction) }
            }
            #expect(try await relay.relayOnce() == count)
            #expect(try await Self.lessons(on: "lesson.skipped", redis) == skipped)
            #expect(try await Self.lessons(on: "lesson.completed", redis) == completed)
        }
    }

    /// Rounds resume past the last row they moved (`OutboxResumePoint`): an event whose
    /// transaction began first but committed after later ones must still reach the stream.
    @Test func anEventCommittedAfterLaterOnesIsStillRelayed() async throws {
        try await Self.withRelay(batchSize: 2) { database, redis, relay, outbox in
            let written = AsyncStream<Void>.makeStream()
            let commit = AsyncStream<Void>.makeStream()
            let slow = Task {
                try await database.transaction { transaction in
                    try await outbox.publish("lesson.completed", subject: "1", data: LessonCompleted(lessonId: 1), in: transaction)
                    written.continuation.yield()
                    var gate = commit.stream.makeAsyncIterator()
                    await gate.next()
                }
            }
            var wroteFirst = written.stream.makeAsyncIterator()
            await wroteFirst.next()
            for lesson in 2...5 { _ = try await Self.publish(lesson, through: outbox, database: database) }
            #expect(try await relay.relayOnce() == 2)
            #expect(try await relay.relayOnce() == 2)
            commit.continuation.yield()
            try await slow.value

            var moved = 0
            for _ in 0..<3 { moved += try await relay.relayOnce() }
            #expect(moved == 1)
            #expect(try await Self.lessons(on: "lesson.completed", redis) == [2, 3, 4, 5, 1])
        }
    }

    @Test func anEventRedisRefusesStaysInTheOutboxAndIsAppendedOnceRedisTakesIt() async throws {
        try await Self.withRelay { database, redis, relay, outbox in
            // A key of the wrong type where the second event's stream should be: XADD fails on it.
            let blocked = redis.key(EventStreams.stream(for: "lesson.skipped"))
            try await redis.send("SET", blocked, "not a stream")
            try await database.transaction { transaction in
                try await outbox.publish("lesson.completed", subject: "1", data: LessonCompleted(lessonId: 1), in: transaction)
                try await outbox.publish("lesson.skipped", subject: "2", data: LessonCompleted(lessonId: 2), in: transaction)
            }

            await #expect(throws: RedisError.self) { try await relay.relayOnce() }
            let waiting = try await database.queryFirst("SELECT count(*) AS n FROM outbox")
            #expect(try waiting?.decode("n", as: Int.self) == 2, "a failed round deletes nothing")
            #expect(try await Self.lessons(on: "lesson.completed", redis) == [1])

            try await redis.send("DEL", blocked)
            #expect(try await relay.relayOnce() == 2)
            #expect(try await Self.lessons(on: "lesson.completed", redis) == [1], "not appended twice")
            #expect(try await Self.lessons(on: "lesson.skipped", redis) == [2], "the refused event is not lost")
        }
    }

    @Test func aConsumerKilledBeforeAcknowledgingGetsTheEventAgainAndItsEffectIsAppliedOnce() async throws {
        try await Self.withRelay { database, redis, relay, outbox in
            let entered = AsyncStream<Void>.makeStream()
            let recordProgress = EventHandler("lesson.completed") { event, transaction in
                let lesson = try event.decode(LessonCompleted.self).lessonId
                try await transaction.execute("INSERT INTO progress VALUES (\(lesson))")
            }
            let hangs = EventHandler("lesson.completed") { event, transaction in
                try await transaction.execute("INSERT INTO progress VALUES (-1)")
                entered.continuation.yield()
                try await Task.sleep(for: .seconds(3600))
            }

            // The first consumer takes the event and dies in the middle of handling it.
            let doomed = EventConsumer(group: "learning", database: database, redis: redis, handlers: [hangs],
                                       settings: Self.quickConsumer, logger: TestLogger.make("doomed"))
            let doomedGroup = ServiceGroup(services: [doomed], logger: TestLogger.make("g"))
            let doomedRun = Task { try await doomedGroup.run() }
            _ = try await Self.publish(3, through: outbox, database: database)
            try await relay.relayOnce()
            var iterator = entered.stream.makeAsyncIterator()
            await iterator.next()
            doomedRun.cancel()
            _ = try? await doomedRun.value

            // A second consumer of the same group takes over the unacknowledged event.
            let survivor = EventConsumer(group: "learning", database: database, redis: redis, handlers: [recordProgress],
                                         settings: Self.quickConsumer, logger: TestLogger.make("survivor"))
            try await Task.sleep(for: .milliseconds(200))
            try await survivor.consumeOnce()
            // And a redelivery of an event already handled changes nothing.
            let stream = redis.key(EventStreams.stream(for: "lesson.completed"))
            let id = try #require(try await redis.send("XRANGE", stream, "-", "+").array?.first?.array?.first?.string)
            try await redis.send("XADD", stream, "*", "event",
                                 try await redis.send("XRANGE", stream, id, id).array![0].array![1].array![1].string!)
            try await survivor.consumeOnce()

            let lessons = try await database.query("SELECT lesson FROM progress").map { try $0.decode("lesson", as: Int.self) }
            #expect(lessons == [3])
            let pending = try await redis.send("XPENDING", stream, "learning")
            #expect(pending.array?.first?.int == 0)
        }
    }

    @Test func aPoisonMessageLandsInTheDeadLetterStreamAfterNDeliveriesAndCanBeReplayed() async throws {
        try await Self.withRelay { database, redis, relay, outbox in
            let broken = Mutex(true)
            let attempts = Mutex(0)
            let handler = EventHandler("lesson.completed") { event, transaction in
                attempts.withLock { $0 += 1 }
                if broken.withLock({ $0 }) { throw Problem.conflict("broken", "the handler is broken") }
                try await transaction.execute("INSERT INTO progress VALUES (\(try event.decode(LessonCompleted.self).lessonId))")
            }
            let consumer = EventConsumer(group: "learning", database: database, redis: redis, handlers: [handler],
                                         settings: Self.quickConsumer, logger: TestLogger.make("consumer"))
            _ = try await Self.publish(9, through: outbox, database: database)
            try await relay.relayOnce()

            #expect(try await Self.eventually(.seconds(60)) {
                try await consumer.consumeOnce()
                try await Task.sleep(for: .milliseconds(200))
                return try await !consumer.deadLetters().isEmpty
            })
            let letters = try await consumer.deadLetters()
            #expect(letters.count == 1)
            #expect(letters.first?.deliveries == 3)
            #expect(attempts.withLock { $0 } == 3)
            let stream = redis.key(EventStreams.stream(for: "lesson.completed"))
            #expect(try await redis.send("XPENDING", stream, "learning").array?.first?.int == 0)

            broken.withLock { $0 = false }
            let replay = try await consumer.replayDeadLetters()
            #expect(replay.handled == 1 && replay.failed == 0)
            #expect(try await consumer.deadLetters().isEmpty)
            let lessons = try await database.query("SELECT lesson FROM progress").map { try $0.decode("lesson", as: Int.self) }
            #expect(lessons == [9])
        }
    }
}
