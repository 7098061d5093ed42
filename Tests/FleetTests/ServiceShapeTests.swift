import Foundation
import Testing

/// Every service keeps the shape of Services/README.md: Storage/ alone talks to PostgreSQL and
/// Redis, Domain/ is pure, and the folders are the same everywhere (`ServiceShape`).
@Suite struct ServiceShapeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let databaseTypes: Set<String> = ["Database", "Transaction", "SQL", "PostgresRow", "PostgresTextDecodable", "RedisClient",
                                             "Outbox"]

    @Test func everyServiceKeepsTheShape() throws {
        let services = try FileManager.default.contentsOfDirectory(atPath: Self.root.appending(path: "Services").path)
        #expect(services.contains("course-service") && services.contains("azora-ledger"), "the check reads the repository's services")
        for violation in try ServiceShape.check(repository: Self.root) {
            let path = Self.root.appending(path: violation.file).path
            Issue.record("\(violation)", sourceLocation: SourceLocation(
                fileID: "Services/\((violation.file as NSString).lastPathComponent)", filePath: path, line: violation.line, column: 1))
        }
    }

    @Test func theDatabaseTypesAreReadFromShared() throws {
        let types = try ServiceShape.databaseTypes(in: Self.root.appending(path: "Shared"))
        #expect(types.isSuperset(of: Self.databaseTypes))
        #expect(!types.contains("Problem") && !types.contains("Settings"), "only the Postgres and Redis folders count")
    }

    private func violations(_ path: String, _ source: String) -> [String] {
        ServiceShape.violations(in: source, path: path, databaseTypes: Self.databaseTypes).map { "\($0.line): \($0.rule)" }
    }

    @Test func aRouteThatQueriesTheDatabaseIsNamedWithItsLines() {
        let found = violations("Routes/ProfileRoutes.swift", """
            import Hummingbird
            import Shared

            struct ProfileRoutes {
                let database: Database

                func add(to group: RouterGroup<AppRequestContext>) {
                    group.put("/users/:id") { request, context in
                        try await database.transaction { transaction in
                            try await transaction.execute("UPDATE profiles SET name = \\(name) WHERE id = \\(id)")
                        }
                    }
                }
            }
            """)
        #expect(found.count == 3)
        #expect(found[0].hasPrefix("5: names Database"))
        #expect(found[1].hasPrefix("9: calls .transaction"))
        #expect(found[2].hasPrefix("10: holds SQL (\"UPDATE profiles SET name = _ WHERE id = "))
    }

    @Test func aRouteThatCallsStoresAndReadsTheQueryStringIsFine() {
        #expect(violations("Routes/CourseRoutes.swift", """
            import Hummingbird
            import Shared

            /// Lists courses: the store runs SELECT … FROM courses WHERE status = 'published'.
            struct CourseRoutes {
                let store: CourseStore

                func add(to group: RouterGroup<AppRequestContext>) {
                    group.get("/courses") { request, _ in
                        // ORDER BY is the store's business.
                        let level = request.query("level")
                        let rows = try await store.query(level: level, sort: "newest")
                        guard !rows.isEmpty else { throw Problem.notFound("Update your filters: nothing matches") }
                        return rows
                    }
                }
            }
            """).isEmpty)
    }

    @Test func anEventHandlerRunningSQLOnItsTransactionIsNamedAndOneHandingItToAStoreIsNot() {
        let found = violations("Events/FleetEvents.swift", """
            import Shared

            enum FleetEvents {
                static func handlers(store: ProfileStore) -> [EventHandler] {
                    [
                        EventHandler("user.registered") { event, transaction in
                            try await store.create(try event.decode(Registered.self), in: transaction)
                        },
                        EventHandler("user.deleted") { event, tx in
                            let id = try event.decode(Deleted.self).userId
                            try await tx.execute(statement(for: id))
                        },
                    ]
                }
            }
            """)
        #expect(found == ["11: calls tx.execute on the transaction of an event handler: hand it to a store in Storage/"])
    }

    @Test func aDomainFileImportingHummingbirdOrNamingADatabaseTypeIsNamed() {
        let found = violations("Domain/CourseStatus.swift", """
            import Foundation
            import Hummingbird
            import Shared

            /// A course's status.
            enum CourseStatus: String, Codable, PostgresTextDecodable {
                case draft, published
            }

            extension CourseStatus: ResponseEncodable {}
            """)
        #expect(found == [
            "2: imports Hummingbird: Domain/ holds values and rules, without HTTP, databases or calls out",
            "6: names PostgresTextDecodable, a database type: only Storage/ talks to PostgreSQL and Redis",
        ])
    }

    @Test func storageMayTalkToTheDatabaseAndTheCompositionRootMayHandItOver() {
        #expect(violations("Storage/ProfileStore.swift", """
            struct ProfileStore {
                let database: Database
                func find(_ id: UUID) async throws -> PostgresRow? {
                    try await database.queryFirst("SELECT * FROM profiles WHERE id = \\(id)")
                }
            }
            """).isEmpty)
        #expect(violations("App.swift", """
            public func buildApplication(reader: ConfigReader) async throws -> some ApplicationProtocol {
                let runtime = try ServiceRuntime(name: "user-service", reader: reader)
                let database: Database = try runtime.database(migrations: [])
                let profiles = ProfileStore(database: database)
            }
            """).isEmpty)
        #expect(violations("App.swift", """
            func seed(_ database: Database) async throws {
                try await database.execute("INSERT INTO profiles (id) VALUES (\\(UUID()))")
            }
            """) == ["2: holds SQL (\"INSERT INTO profiles (id) VALUES (_)…\"): only Storage/ talks to PostgreSQL"])
    }

    @Test func aRouteReachingAStoresDatabaseIsNamed() {
        let found = violations("Routes/OutlineRoutes.swift", """
            struct OutlineRoutes {
                let courses: CourseStore

                func requireStudy(_ id: UUID, userId: UUID) async throws -> Bool {
                    try await LearnerStore.isLearner(userId, of: id, in: courses.database)
                }
            }
            """)
        #expect(found == ["5: reaches courses.database, a database or Redis client: call a method of the store instead"])
    }

    /// The whole check, on a repository written for the test: a route that runs SQL and a domain
    /// file that imports Hummingbird fail it, named by file and line; the store beside them,
    /// which does the same as the route, does not.
    @Test func aPlantedViolationFailsTheCheckOfARepository() throws {
        let root = FileManager.default.temporaryDirectory.appending(path: "service-shape-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        func write(_ path: String, _ text: String) throws {
            let file = root.appending(path: path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        try write("Shared/Sources/Postgres/Database.swift", "public final class Database: Sendable {}\n")
        try write("Shared/Sources/Redis/RedisClient.swift", "public final class RedisClient: Sendable {}\n")
        try write("Shared/Sources/HTTP/Problem.swift", "public struct Problem: Error {}\n")
        let query = """
            func count(in database: Database) async throws -> Int {
                try await database.queryFirst("SELECT count(*) AS n FROM badges")!.decode("n")
            }
            """
        try write("Services/demo-service/Sources/Storage/BadgeStore.swift", query)
        try write("Services/demo-service/Sources/Routes/BadgeRoutes.swift", "import Hummingbird\n\n" + query)
        try write("Services/demo-service/Sources/Domain/Badge.swift", "import Foundation\nimport Hummingbird\n\nstruct Badge: ResponseEncodable {}\n")
        try write("Services/demo-service/Sources/App.swift", "let database = Database()\n")

        let found = try ServiceShape.check(repository: root).map(\.description)
        #expect(found.sorted() == [
            "Services/demo-service/Sources/Domain/Badge.swift:2: imports Hummingbird: Domain/ holds values and rules, without HTTP, databases or calls out",
            "Services/demo-service/Sources/Routes/BadgeRoutes.swift:3: names Database, a database type: only Storage/ talks to PostgreSQL and Redis",
            "Services/demo-service/Sources/Routes/BadgeRoutes.swift:4: calls .queryFirst, a database call: only Storage/ talks to PostgreSQL and Redis",
            "Services/demo-service/Sources/Routes/BadgeRoutes.swift:4: holds SQL (\"SELECT count(*) AS n FROM badges…\"): only Storage/ talks to PostgreSQL",
        ].sorted())
    }

    @Test func aFolderOutsideTheShapeIsNamed() {
        #expect(violations("Certificates/CertificateBook.swift", "struct CertificateBook {}\n")
            == ["1: Certificates/ is not a folder of the shape (Domain, Events, Peers, Providers, Routes, Storage)"])
    }

    @Test func stringsCommentsAndInterpolationsAreToldApart() {
        let text = SwiftSourceText(#"""
            let a = "one \(f("two")) three" // "four"
            /* five /* nested */ "six" */ let b = #"seven \(no) "eight""#
            let c = """
                nine
                \(g(#"ten"#))
                """
            """#)
        #expect(text.literals.map(\.text) == ["one _ three", "two", "seven \\(no) \"eight\"", "    nine\n    _\n    ", "ten"])
        #expect(text.literals.map(\.line) == [1, 1, 2, 3, 5])
        #expect(!text.code.contains("four") && !text.code.contains("five") && !text.code.contains("six") && !text.code.contains("nine"))
        #expect(text.code.contains("f(\"") && text.code.contains("g(#\""), "interpolated code stays code")
        #expect(text.code.components(separatedBy: "\n").count == 6, "lines are kept")
    }
}
