import Foundation
import Logging
import ServiceLifecycle
import Shared

extension Complexity: PostgresTextDecodable {}

/// `query_classifications`: how each classified query was judged. Rows are written in batches
/// off the request's path (the log is a `Service`; see `BatchWriter`), and listed newest first
/// for administrators.
final class ClassificationLog: Service, Sendable {
    /// One classified query, as stored and listed.
    struct Entry: Codable, Sendable, Equatable {
        let id: UUID
        let requestId: String
        let userId: UUID?
        let model: String
        let taskClass: String
        let complexity: Complexity
        let tier: Tier
        let classifiedAt: Date
    }

    private let database: Database
    private let writer: BatchWriter<Entry>

    init(database: Database, logger: Logger, flushInterval: Duration = .seconds(1)) {
        self.database = database
        writer = BatchWriter(name: "query_classifications", interval: flushInterval, logger: logger) { entries in
            try await database.execute("""
                INSERT INTO query_classifications (id, request_id, user_id, model, task_class, complexity, tier, classified_at)
                SELECT * FROM unnest(\(entries.map(\.id))::uuid[], \(entries.map(\.requestId))::text[], \(entries.map(\.userId))::uuid[],
                    \(entries.map(\.model))::text[], \(entries.map(\.taskClass))::text[], \(entries.map(\.complexity.rawValue))::text[],
                    \(entries.map(\.tier.rawValue))::text[], \(entries.map(\.classifiedAt))::timestamptz[])
                """)
        }
    }

    /// Queues the classification of one request; never waits for the database.
    func record(requestId: String, userId: UUID?, model: String, _ classification: Classification) async {
        let now = Date()
        writer.append(Entry(id: UUIDv7.make(at: now), requestId: requestId, userId: userId, model: model,
                            taskClass: classification.taskClass, complexity: classification.complexity, tier: classification.tier,
                            classifiedAt: now))
    }

    /// A position in the list: the last entry of a page.
    struct Cursor: Codable, Sendable {
        let classifiedAt: Date
        let id: UUID
    }

    /// Entries newest first, after the cursor, optionally of one user or task class.
    func list(userId: UUID?, taskClass: String?, after cursor: Cursor?, limit: Int) async throws -> [Entry] {
        var filters: [SQL] = ["true"]
        if let userId { filters.append("user_id = \(userId)") }
        if let taskClass { filters.append("task_class = \(taskClass)") }
        if let cursor { filters.append("(classified_at, id) < (\(cursor.classifiedAt), \(cursor.id))") }
        return try await database.query("""
            SELECT id, request_id, user_id, model, task_class, complexity, tier, classified_at FROM query_classifications
            WHERE \(SQL(joining: filters, separator: " AND ")) ORDER BY classified_at DESC, id DESC LIMIT \(limit + 1)
            """).map { row in
            Entry(id: try row.decode("id"), requestId: try row.decode("request_id"), userId: try row.decode("user_id"),
                  model: try row.decode("model"), taskClass: try row.decode("task_class"), complexity: try row.decode("complexity"),
                  tier: try row.decode("tier"), classifiedAt: try row.decode("classified_at"))
        }
    }

    /// Writes the queued entries now.
    func flush() async throws {
        try await writer.flush()
    }

    /// Writes queued entries until graceful shutdown, then the rest.
    func run() async throws {
        try await writer.run()
    }
}
