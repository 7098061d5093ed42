import Foundation
import Shared
import TestSupport
import Testing

@Suite struct RedisTests {
    @Test func repliesAreTyped() async throws {
        try await withTestRedis { redis in
            let key = redis.key("greeting")
            #expect(try await redis.send("SET", key, "hello 🎓") == .status("OK"))
            #expect(try await redis.send("GET", key).string == "hello 🎓")
            #expect(try await redis.send("GET", redis.key("missing")).isNull)
            #expect(try await redis.send("INCRBY", redis.key("n"), "5").int == 5)
            try await redis.send("RPUSH", redis.key("list"), "a", "b")
            #expect(try await redis.send("LRANGE", redis.key("list"), "0", "-1") == .array([.bulk("a"), .bulk("b")]))
            let error = await #expect(throws: RedisError.self) { try await redis.send("INCR", key) }
            #expect(error?.kind == .server)
        }
    }

    @Test func aPipelineReturnsEveryReplyInOrder() async throws {
        try await withTestRedis { redis in
            let key = redis.key("counter")
            let replies = try await redis.pipeline([["INCR", key], ["INCR", key], ["HGET", key, "x"], ["GET", key]])
            #expect(replies[0] == .integer(1))
            #expect(replies[1] == .integer(2))
            if case .error(let message) = replies[2] { #expect(message.hasPrefix("WRONGTYPE")) } else { Issue.record("expected an error reply") }
            #expect(replies[3].string == "2")
        }
    }

    @Test func aScriptRunsByItsHashAndIsLoadedAgainAfterAFlush() async throws {
        try await withTestRedis { redis in
            let script = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
            let key = redis.key("scripted")
            #expect(try await redis.run(script, keys: [key], arguments: ["2"]).int == 2)
            try await redis.send("SCRIPT", "FLUSH")
            #expect(try await redis.run(script, keys: [key], arguments: ["3"]).int == 5)
        }
    }

    @Test func aCommandPastItsTimeoutFailsInsteadOfHanging() async throws {
        try await withTestRedis(commandTimeout: .milliseconds(200)) { redis in
            let error = await #expect(throws: RedisError.self) {
                try await redis.send("BLPOP", redis.key("never"), "5")
            }
            #expect(error?.kind == .connection)
            // The timed-out connection is dropped; the next command gets a fresh one.
            try await redis.ping()
        }
    }

    @Test func theClientReconnectsAfterTheServerRestarts() async throws {
        let server = try await RedisServer.start()
        defer { server.discard() }
        try await withTestRedis(url: server.url) { redis in
            try await redis.ping()
            server.stop()
            await #expect(throws: (any Error).self) { try await redis.ping() }
            try await server.startServer()
            try await redis.ping()
            try await redis.send("SET", redis.key("after"), "restart")
            #expect(try await redis.send("GET", redis.key("after")).string == "restart")
        }
    }
}
