import NIOCore
import NIOPosix
import Shared
import TestSupport
import Testing

@Suite struct PipelinedRedisConnectionTests {
    /// Runs `body` on an event loop with a connection to Redis, and closes the connection after.
    static func withConnection<T: Sendable>(
        url: String = TestEnvironment.redisURL, commandTimeout: Duration = .seconds(2),
        _ body: @escaping @Sendable (PipelinedRedisConnection) -> EventLoopFuture<T>
    ) async throws -> T {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let settings = try #require(RedisSettings(url: url, connectTimeout: .seconds(1), commandTimeout: commandTimeout))
        return try await loop.flatSubmit {
            let redis = PipelinedRedisConnection(settings: settings, eventLoop: loop)
            return body(redis).assumeIsolated().always { _ in _ = redis.close() }.nonisolated()
        }.get()
    }

    static func key(_ name: String) -> String { TestNames.unique("pipelined") + ":" + name }

    /// The test server's address with `userInfo` and `database` of our choosing.
    static func url(password: String? = nil, database: Int = 0) throws -> String {
        let base = try #require(RedisSettings(url: TestEnvironment.redisURL))
        return "redis://\(password.map { ":\($0)@" } ?? "")\(base.host):\(base.port)/\(database)"
    }

    /// Both kinds of connection, the pipelined one and `RedisClient`'s blocking one, open with
    /// the same greeting: `AUTH` when there is a password, `SELECT` for a database other than 0.
    @Test func aNewConnectionSaysWhoItIsAndWhichDatabaseItUses() async throws {
        let key = Self.key("selected")
        _ = try await Self.withConnection(url: try Self.url(database: 3)) { $0.send(["SET", key, "three", "EX", "60"]) }
        #expect(try await Self.withConnection { $0.send(["GET", key]) } == .null)
        let client = RedisClient(settings: try #require(RedisSettings(url: try Self.url(database: 3))), logger: TestLogger.make("redis"))
        #expect(try await client.send("GET", key) == .bulk("three"))
        await client.close()

        // The test server has no password: a connection that offers one is refused, saying why.
        let withPassword = try Self.url(password: "wrong")
        let pipelined = await #expect(throws: RedisError.self) {
            _ = try await Self.withConnection(url: withPassword) { $0.send(["PING"]) }
        }
        #expect(pipelined?.kind == .connection && pipelined?.message.hasPrefix("Redis refused AUTH") == true)
        let blocking = RedisClient(settings: try #require(RedisSettings(url: withPassword)), logger: TestLogger.make("redis"))
        let refused = await #expect(throws: RedisError.self) { try await blocking.ping() }
        #expect(refused?.kind == .connection && refused?.message.hasPrefix("Redis refused AUTH") == true)
        await blocking.close()
    }

    @Test func manyCommandsInFlightAtOnceGetTheirOwnRepliesInOrder() async throws {
        let key = Self.key("counter")
        let replies = try await Self.withConnection { redis in
            let sent = (0..<200).map { _ in redis.send(["INCR", key]) }
            return EventLoopFuture.whenAllSucceed(sent, on: redis.eventLoop)
        }
        #expect(replies.map(\.int) == (1...200).map { $0 })
    }

    @Test func anErrorReplyFailsOnlyItsOwnCommand() async throws {
        let key = Self.key("text")
        let results = try await Self.withConnection { redis in
            let commands = [redis.send(["SET", key, "hello 🎓"]), redis.send(["INCR", key]), redis.send(["GET", key])]
            return EventLoopFuture.whenAllComplete(commands, on: redis.eventLoop).map { $0.map { try? $0.get() } }
        }
        #expect(results == [.status("OK"), nil, .bulk("hello 🎓")])
        let error = await #expect(throws: RedisError.self) {
            _ = try await Self.withConnection { redis in redis.send(["INCR", key]) }
        }
        #expect(error?.kind == .server)
    }

    @Test func aScriptRunsByItsHashAndIsLoadedAgainAfterAFlush() async throws {
        let key = Self.key("scripted")
        let script = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
        let totals = try await Self.withConnection { redis in
            let first = redis.run(script, keys: [key], arguments: ["2"])
            let flushed = redis.send(["SCRIPT", "FLUSH"])
            let second = flushed.assumeIsolated().flatMap { _ in redis.run(script, keys: [key], arguments: ["3"]) }.nonisolated()
            return first.and(second).map { [$0.int, $1.int] }
        }
        #expect(totals == [2, 5])
    }

    @Test func anUnreachableServerFailsTheCommandAsAConnectionError() async throws {
        let nowhere = try BoundSocket()
        defer { nowhere.close() }
        let error = await #expect(throws: RedisError.self) {
            _ = try await Self.withConnection(url: "redis://127.0.0.1:\(nowhere.port)") { redis in redis.send(["PING"]) }
        }
        #expect(error?.kind == .connection)
    }

    @Test func aReplyPastTheTimeoutFailsEveryWaitingCommandAndTheNextOneConnectsAgain() async throws {
        let key = Self.key("never")
        let outcome = try await Self.withConnection(commandTimeout: .milliseconds(300)) { redis in
            // BLPOP blocks the connection, so the PING behind it waits too.
            let blocked = redis.send(["BLPOP", key, "5"])
            let behind = redis.send(["PING"])
            return EventLoopFuture.whenAllComplete([blocked, behind], on: redis.eventLoop).assumeIsolated().flatMap { results in
                redis.send(["PING"]).map { after in (results.map { (try? $0.get()) == nil }, after) }
            }.nonisolated()
        }
        #expect(outcome.0 == [true, true])
        #expect(outcome.1 == .status("PONG"))
    }

    @Test func theConnectionIsOpenedAgainAfterTheServerRestarts() async throws {
        let server = try await RedisServer.start()
        defer { server.discard() }
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let settings = try #require(RedisSettings(url: server.url, connectTimeout: .seconds(1)))
        let redis = try await loop.submit { NIOLoopBound(PipelinedRedisConnection(settings: settings, eventLoop: loop), eventLoop: loop) }.get()
        let ping: @Sendable () async throws -> RedisReply = {
            try await loop.flatSubmit { redis.value.send(["PING"]) }.get()
        }
        #expect(try await ping() == .status("PONG"))
        server.stop()
        await #expect(throws: RedisError.self) { _ = try await ping() }
        try await server.startServer()
        #expect(try await ping() == .status("PONG"))
        try await loop.flatSubmit { redis.value.close() }.get()
    }
}
