import Foundation
import Synchronization
import Shared
import TestSupport
import Testing

@Suite struct PostgresTests {
    @Test func hostileInputRoundTripsUnchanged() async throws {
        try await withTestDatabase { database in
            try await database.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text, tags text[], doc jsonb)")
            let hostile = [
                "it's", #"back\slash"#, #"double "quote""#, "'; DROP TABLE notes; --", "$1 $$ $tag$",
                "emoji 🎓👩🏽‍🏫 and ñ, 中文", "line\nbreak\ttab", String(repeating: "x", count: 1 << 20),
            ]
            for text in hostile {
                let doc: JSONValue = ["text": .string(text), "nested": ["quote": "\"'"]]
                let row = try #require(try await database.queryFirst(
                    "INSERT INTO notes (body, tags, doc) VALUES (\(text), \([text, "plain", "{,}"]), \(doc)::jsonb) RETURNING id"))
                let id: Int = try row.decode("id")
                let back = try #require(try await database.queryFirst("SELECT body, tags, doc FROM notes WHERE id = \(id)"))
                #expect(try back.decode("body", as: String.self) == text)
                #expect(try back.decode("tags", as: [String].self) == [text, "plain", "{,}"])
                #expect(try back.decode("doc", as: JSONValue.self) == doc)
            }
            let count = try await database.queryFirst("SELECT count(*) AS n FROM notes")
            #expect(try count?.decode("n", as: Int.self) == hostile.count)
        }
    }

    /// Arrays of UUIDs and bigints go in the binary format: what the server reads must be what
    /// the text format would have given, NULLs, the extremes and the empty array included.
    @Test func binaryArraysReachTheServerIntact() async throws {
        try await withTestDatabase { database in
            let ids: [UUID?] = [UUID(), nil, UUID(uuid: (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 255))]
            let amounts: [Int64] = [0, -1, 1, .max, .min, 9_007_199_254_740_993]
            let row = try #require(try await database.queryFirst("""
                SELECT \(ids)::uuid[]::text AS ids, \(amounts)::bigint[]::text AS amounts,
                       cardinality(\([UUID]())::uuid[]) AS empty, \(ids)::uuid[] IS NOT DISTINCT FROM \(ids.postgresText)::uuid[] AS same
                """))
            #expect(try row.decode("ids", as: String.self) == "{\(ids[0]!.lowercasedText),NULL,00010203-0405-0607-0809-0a0b0c0d0eff}")
            #expect(try row.decode("amounts", as: String.self) == "{" + amounts.map(String.init).joined(separator: ",") + "}")
            #expect(try row.decode("empty", as: Int.self) == 0)
            #expect(try row.decode("same", as: Bool.self))
        }
    }

    /// Strings go in the binary format too, as their bytes: no quoting to get wrong.
    @Test func binaryStringArraysReachTheServerIntact() async throws {
        try await withTestDatabase { database in
            let texts: [String?] = ["plain", "", "NULL", nil, "a,b", "{\"json\": [1, 2]}", "back\\slash", " spaced ", "ünïcödé 🎓", "'quote'"]
            let row = try #require(try await database.queryFirst("""
                SELECT \(texts)::text[] IS NOT DISTINCT FROM \(texts.postgresText)::text[] AS same,
                       (\(texts)::text[])[4] IS NULL AS null_kept, (\(texts)::text[])[3] AS word,
                       (\(["{\"a\": 1}", "{}"])::text[]::jsonb[])[1] ->> 'a' AS member
                """))
            #expect(try row.decode("same", as: Bool.self))
            #expect(try row.decode("null_kept", as: Bool.self))
            #expect(try row.decode("word", as: String.self) == "NULL")
            #expect(try row.decode("member", as: String.self) == "1")
            let (_, parameters) = ("SELECT \(texts)::text[]" as SQL).render()
            #expect(parameters == [.binary(texts.postgresBinary)])
        }
    }

    /// A service's own session settings reach every session of its pool.
    @Test func sessionSettingsApplyToEverySession() async throws {
        var settings = DatabaseSettings(url: TestEnvironment.databaseURL, schema: "public", maxConnections: 2)
        settings.sessionSettings = ["plan_cache_mode": "force_custom_plan", "work_mem": "8MB"]
        let database = Database(settings: settings, logger: TestLogger.make("postgres"))
        // Two at once, so that both of the pool's connections answer.
        let read: SQL = "SELECT current_setting('plan_cache_mode') AS mode, current_setting('work_mem') AS memory, pg_sleep(0.1)::text AS slept"
        async let first = database.queryFirst(read)
        async let second = database.queryFirst(read)
        for row in [try await first, try await second] {
            #expect(try row?.decode("mode", as: String.self) == "force_custom_plan")
            #expect(try row?.decode("memory", as: String.self) == "8MB")
        }
        await database.close()
    }

    @Test func theUsualTypesDecode() async throws {
        try await withTestDatabase { database in
            let id = UUID()
            let when = try #require(Timestamp.parse("2026-03-01T10:20:30.123456Z"))
            let row = try #require(try await database.queryFirst(
                """
                SELECT 42::int AS small, 9007199254740993::bigint AS big, 'text'::text AS words, true AS yes,
                       \(id)::uuid AS id, \(when)::timestamptz AS at, 12.3400::numeric AS amount,
                       '{"a":[1,2]}'::jsonb AS doc, ARRAY[1,2,3] AS numbers, ARRAY[\(id)]::uuid[] AS ids,
                       NULL::text AS nothing, '\\x00ff'::bytea AS bytes
                """))
            #expect(try row.decode("small", as: Int32.self) == 42)
            #expect(try row.decode("big", as: Int64.self) == 9_007_199_254_740_993)
            #expect(try row.decode("words", as: String.self) == "text")
            #expect(try row.decode("yes", as: Bool.self) == true)
            #expect(try row.decode("id", as: UUID.self) == id)
            #expect(try row.decode("at", as: Date.self) == when)
            #expect(try row.decode("amount", as: Decimal.self) == Decimal(string: "12.34"))
            #expect(try row.decode("doc", as: JSONValue.self) == ["a": [1, 2]])
            #expect(try row.decode("numbers", as: [Int].self) == [1, 2, 3])
            #expect(try row.decode("ids", as: [UUID].self) == [id])
            #expect(try row.decode("nothing", as: String?.self) == nil)
            #expect(try row.decode("bytes", as: Data.self) == Data([0, 255]))
            #expect(throws: PostgresDecodingError.self) { try row.decode("nothing", as: String.self) }
            #expect(throws: PostgresDecodingError.self) { try row.decode("words", as: Int.self) }
        }
    }

    @Test func aNamedLockHoldsBackItsOwnSchemaOnly() async throws {
        /// Tries the lock in a transaction of its own, giving up (55P03) after 200 ms.
        func tryLock(_ name: String, in database: Database) async throws {
            try await database.transaction { transaction in
                try await transaction.execute("SET LOCAL lock_timeout = '200ms'")
                try await transaction.lock(name)
            }
        }
        try await withTestDatabase { mine in
            try await withTestDatabase { theirs in
                try await mine.transaction { holder in
                    try await holder.lock("names")
                    let waited = await #expect(throws: PostgresError.self) { try await tryLock("names", in: mine) }
                    #expect(waited?.sqlState == "55P03")
                    try await tryLock("names", in: theirs)
                    try await tryLock("other", in: mine)
                }
                try await tryLock("names", in: mine)
            }
        }
    }

    @Test func serializationFailuresAreRetriedUntilEveryTransactionCommits() async throws {
        try await withTestDatabase(maxConnections: 10) { database in
            try await database.execute("CREATE TABLE counter (id int PRIMARY KEY, value int NOT NULL)")
            try await database.execute("INSERT INTO counter VALUES (1, 0)")
            let attempts = Counter()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        try await database.transaction(.serializable, maxAttempts: 50) { transaction in
                            attempts.increment()
                            let row = try await transaction.queryFirst("SELECT value FROM counter WHERE id = 1")
                            let value: Int = try row!.decode("value")
                            try await Task.sleep(for: .milliseconds(5))
                            try await transaction.execute("UPDATE counter SET value = \(value + 1) WHERE id = 1")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let final = try await database.queryFirst("SELECT value FROM counter WHERE id = 1")
            #expect(try final?.decode("value", as: Int.self) == 10)
            #expect(attempts.value > 10, "concurrent serializable read-modify-writes must have conflicted at least once")
        }
    }

    @Test func aTransactionThatThrowsLeavesNothingAndRunsNoAfterCommitWork() async throws {
        try await withTestDatabase { database in
            try await database.execute("CREATE TABLE items (name text)")
            let ranAfterCommit = Counter()
            await #expect(throws: Problem.self) {
                try await database.transaction { transaction in
                    try await transaction.execute("INSERT INTO items VALUES ('kept?')")
                    transaction.afterCommit { ranAfterCommit.increment() }
                    throw Problem.conflict("test", "abandon")
                }
            }
            try await database.transaction { transaction in
                try await transaction.execute("INSERT INTO items VALUES ('committed')")
                transaction.afterCommit { ranAfterCommit.increment() }
            }
            let names = try await database.query("SELECT name FROM items").map { try $0.decode("name", as: String.self) }
            #expect(names == ["committed"])
            #expect(ranAfterCommit.value == 1)
        }
    }

    @Test func anExhaustedPoolRefusesWithAServiceUnavailableErrorInsteadOfHanging() async throws {
        try await withTestDatabase(maxConnections: 1, acquireTimeout: .milliseconds(200)) { database in
            let hold = ConnectionHold()
            async let holding: Void = hold.hold(database)
            try await hold.waitUntilHeld()
            let error = await #expect(throws: PoolUnavailableError.self) {
                try await database.execute("SELECT 1")
            }
            #expect(error?.status == .serviceUnavailable)
            hold.release()
            try await holding
            // Once the connection is given back, the pool serves again.
            try await database.ping()
        }
    }

    @Test func aStatementPastTheTimeoutIsCancelled() async throws {
        try await withTestDatabase(statementTimeout: .milliseconds(200)) { database in
            let error = await #expect(throws: PostgresError.self) {
                try await database.execute("SELECT pg_sleep(3)")
            }
            #expect(error?.isQueryCanceled == true)
            try await database.ping()
        }
    }

    @Test func aUniqueViolationIsRecognisable() async throws {
        try await withTestDatabase { database in
            try await database.execute("CREATE TABLE emails (address text PRIMARY KEY)")
            try await database.execute("INSERT INTO emails VALUES ('a@example.com')")
            let error = await #expect(throws: PostgresError.self) {
                try await database.execute("INSERT INTO emails VALUES ('a@example.com')")
            }
            #expect(error?.isUniqueViolation == true)
            #expect(error?.constraint == "emails_pkey")
        }
    }
}

/// A counter tasks may bump concurrently.
final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
