import Crypto
import Foundation
import Logging
import Metrics
import Shared
import Synchronization

/// Answers to repeatable chat requests, kept in `ai_routing_cache` for `ttl`: a request is
/// repeatable when its temperature is exactly 0 and it asks for one choice, and two requests are
/// the same when their model, messages and every other parameter are, whether they stream or not
/// and whoever sends them.
final class RoutingCache: Sendable {
    /// Members that change how an answer is delivered or whom it is for, not what it says.
    static let ignoredMembers: Set<String> = ["stream", "stream_options", "user"]

    private let database: Database
    private let ttl: Duration
    private let logger: Logger
    private let counts = Mutex((hits: 0, misses: 0))

    /// - Parameters:
    ///   - ttl: how long an answer is served.
    init(database: Database, ttl: Duration = .seconds(3600), logger: Logger) {
        self.database = database
        self.ttl = ttl
        self.logger = logger
    }

    /// The cache key of a repeatable request (temperature 0, not streaming or streaming alike,
    /// same model and messages and parameters), or nil when it is not repeatable.
    ///
    /// The key is the SHA-256, in hex, of the body's canonical JSON (sorted keys, numbers in one
    /// form, so `0` and `0.0` agree) without `stream`, `stream_options` and `user`.
    static func key(for request: ChatRequest) -> String? {
        guard request.temperature == 0 else { return nil }
        switch request.body["n"] {
        case nil, .null?, .number(1)?: break
        default: return nil
        }
        let canonical = request.body.filter { !ignoredMembers.contains($0.key) }
        let text = "chat.v1\n" + JSONText.write(.object(canonical))
        return HexDigits.text(SHA256.hash(data: Data(text.utf8)))
    }

    /// The stored answer under `key` while it is fresh; counts a hit or a miss. A database error
    /// is logged and answered as a miss: the call then goes upstream.
    func lookup(_ key: String) async -> JSONValue? {
        var answer: JSONValue?
        do {
            answer = try await database.queryFirst("""
                UPDATE ai_routing_cache SET hits = hits + 1 WHERE key = \(key) AND expires_at > now() RETURNING response
                """).map { try $0.decode("response", as: JSONValue.self) }
        } catch {
            logger.warning("reading the routing cache failed", metadata: ["error": "\(error)"])
        }
        let hit = answer != nil
        counts.withLock { hit ? ($0.hits += 1) : ($0.misses += 1) }
        Counter(label: "ai_routing_cache_lookups_total", dimensions: [("result", hit ? "hit" : "miss")]).increment()
        return answer
    }

    /// Stores an answer under `key` for `ttl`, replacing an older one. Now and then it also
    /// deletes expired answers, so the table does not grow without bound. Errors are logged.
    func store(_ key: String, model: String, response: JSONValue) async {
        do {
            try await database.execute("""
                INSERT INTO ai_routing_cache (key, model, response, expires_at)
                VALUES (\(key), \(model), \(response), now() + make_interval(secs => \(Double(ttl.components.seconds))))
                ON CONFLICT (key) DO UPDATE SET model = excluded.model, response = excluded.response,
                    created_at = now(), expires_at = excluded.expires_at, hits = 0
                """)
            if Int.random(in: 0..<100) == 0 { try await purgeExpired() }
        } catch {
            logger.warning("writing the routing cache failed", metadata: ["error": "\(error)"])
        }
    }

    /// Deletes up to 1000 expired answers.
    /// - Returns: how many were deleted.
    @discardableResult
    func purgeExpired() async throws -> Int {
        try await database.execute("""
            DELETE FROM ai_routing_cache WHERE key IN (SELECT key FROM ai_routing_cache WHERE expires_at <= now() LIMIT 1000)
            """)
    }

    /// Hits and misses since the process started, and the share of hits (nil before any lookup).
    var statistics: (hits: Int, misses: Int, hitRate: Double?) {
        let (hits, misses) = counts.withLock { ($0.hits, $0.misses) }
        return (hits, misses, hits + misses == 0 ? nil : Double(hits) / Double(hits + misses))
    }
}
