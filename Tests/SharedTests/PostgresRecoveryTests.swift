import Foundation
import Shared
import TestSupport
import Testing

/// Tests that stop the server run against a PostgreSQL of their own.
@Suite struct PostgresRecoveryTests {
    @Test func queriesSucceedAgainAfterTheServerRestartsWithoutRestartingTheProcess() async throws {
        let server = try await PostgresServer.start()
        defer { server.destroy() }
        try await withTestDatabase(maxConnections: 4, url: server.url) { database in
            try await database.execute("CREATE TABLE beats (at timestamptz DEFAULT now())")
            // Keep the pool busy while the server goes away and comes back.
            let traffic = Task {
                var failures = 0
                while !Task.isCancelled {
                    do { try await database.execute("INSERT INTO beats DEFAULT VALUES") } catch { failures += 1 }
                    try? await Task.sleep(for: .milliseconds(10))
                }
                return failures
            }
            try await Task.sleep(for: .milliseconds(200))
            try server.stop(mode: "fast")
            try await Task.sleep(for: .milliseconds(300))
            try server.startServer()
            try await Task.sleep(for: .milliseconds(200))
            traffic.cancel()
            _ = await traffic.value

            for _ in 0..<20 {
                try await database.execute("INSERT INTO beats DEFAULT VALUES")
            }
            let count = try await database.queryFirst("SELECT count(*) AS n FROM beats")
            #expect(try count!.decode("n", as: Int.self) >= 20)
        }
    }

    @Test func anIdleConnectionClosedByARestartIsReplacedBeforeTheNextQuery() async throws {
        let server = try await PostgresServer.start()
        defer { server.destroy() }
        try await withTestDatabase(maxConnections: 2, url: server.url) { database in
            try await database.ping()
            try server.stop(mode: "fast")
            try server.startServer()
            // The pooled connection is dead; the very next query must still succeed.
            try await database.ping()
        }
    }
}
