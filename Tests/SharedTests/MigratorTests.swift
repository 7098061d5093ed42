import Foundation
import Shared
import TestSupport
import Testing

@Suite struct MigratorTests {
    static let steps = [
        Migration(id: "test/0001_create", sql: "CREATE TABLE applied (step text NOT NULL)"),
        Migration(id: "test/0002_fill", sql: "INSERT INTO applied VALUES ('second'); SELECT pg_sleep(0.2);"),
        Migration(id: "test/0003_more", sql: "INSERT INTO applied VALUES ('third')"),
    ]

    @Test func twoMigratorsStartedTogetherApplyEachStepExactlyOnce() async throws {
        try await withTestDatabase { first in
            // A second process on the same schema.
            let second = Database(settings: first.settings, logger: TestLogger.make("second"))
            defer { Task { await second.close() } }
            async let appliedByFirst = Migrator(database: first, logger: TestLogger.make("m1")).migrate(Self.steps)
            async let appliedBySecond = Migrator(database: second, logger: TestLogger.make("m2")).migrate(Self.steps)
            let (a, b) = try await (appliedByFirst, appliedBySecond)

            #expect(Set(a).isDisjoint(with: b))
            #expect(Set(a + b) == Set(Self.steps.map(\.id)))
            let rows = try await first.query("SELECT step FROM applied ORDER BY step")
            #expect(try rows.map { try $0.decode("step", as: String.self) } == ["second", "third"])
            let recorded = try await first.queryFirst("SELECT count(*) AS n FROM schema_migrations")
            #expect(try recorded!.decode("n", as: Int.self) == 3)
        }
    }

    @Test func migratingAgainAppliesNothing() async throws {
        try await withTestDatabase { database in
            let migrator = Migrator(database: database, logger: TestLogger.make("m"))
            let first = try await migrator.migrate(Self.steps)
            let second = try await migrator.migrate(Self.steps)
            #expect(first.count == 3)
            #expect(second.isEmpty)
        }
    }

    @Test func aStepEditedAfterItWasAppliedStopsStartUp() async throws {
        try await withTestDatabase { database in
            let migrator = Migrator(database: database, logger: TestLogger.make("m"))
            try await migrator.migrate(Self.steps)
            var edited = Self.steps
            edited[1] = Migration(id: "test/0002_fill", sql: "INSERT INTO applied VALUES ('changed')")
            await #expect(throws: MigrationError.self) { try await migrator.migrate(edited) }
        }
    }

    @Test func aFailingStepLeavesNoTraceAndLaterStepsWait() async throws {
        try await withTestDatabase { database in
            let migrator = Migrator(database: database, logger: TestLogger.make("m"))
            let broken = [
                Self.steps[0],
                Migration(id: "test/0002_broken", sql: "INSERT INTO applied VALUES ('half'); SELECT * FROM missing_table;"),
                Self.steps[2],
            ]
            await #expect(throws: MigrationError.self) { try await migrator.migrate(broken) }
            let rows = try await database.query("SELECT step FROM applied")
            #expect(rows.isEmpty)
            let recorded = try await database.query("SELECT id FROM schema_migrations ORDER BY id")
            #expect(try recorded.map { try $0.decode("id", as: String.self) } == ["test/0001_create"])
        }
    }
}
