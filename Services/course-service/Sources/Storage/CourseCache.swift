import Crypto
import Foundation
import Logging
import Metrics
import Shared

/// Course details and catalog pages kept in Redis as the JSON text they are answered with.
///
/// Every entry's key holds a generation number: catalog pages the catalog's version (one
/// counter every change increments), a detail its course's own generation. A lookup reads the
/// generation and the entry in one script, and a miss is filled under the generation it read,
/// so an answer computed from data older than a change is stored where nobody looks any more:
/// a change can never be hidden by a slow reader filling the cache after it. Old entries
/// expire after the time to live.
///
/// The cache is an optimisation: when Redis fails, lookups count as errors and the data is
/// read from PostgreSQL. Lookups are counted in `course_cache_lookups_total{cache, result}`.
struct CourseCache: Sendable {
    let redis: RedisClient
    let ttlSeconds: Int
    let logger: Logger

    /// What a lookup found.
    enum Lookup: Sendable {
        /// The cached JSON text.
        case hit(String)
        /// Nothing: compute the answer and `fill` the slot (none when Redis failed).
        case miss(Slot?)
    }

    /// Where a missed entry is to be stored.
    struct Slot: Sendable {
        fileprivate let key: String
    }

    func detail(_ id: UUID) async -> Lookup {
        await lookup("detail", generationKey: detailGenerationKey(id), entryPrefix: redis.key("courses:detail:\(Self.text(id)):"), suffix: "")
    }

    /// The page answering a catalog request, by its canonical text.
    func catalog(_ canonical: String) async -> Lookup {
        let digest = HexDigits.text(SHA256.hash(data: Data(canonical.utf8)))
        return await lookup("catalog", generationKey: catalogVersionKey, entryPrefix: redis.key("courses:catalog:"), suffix: ":" + digest)
    }

    func fill(_ slot: Slot?, with text: String) async {
        guard let slot else { return }
        do {
            try await redis.send("SET", slot.key, text, "EX", String(ttlSeconds))
        } catch {
            logger.warning("cannot fill the course cache", metadata: ["error": "\(error)"])
        }
    }

    /// Retires the course's detail and every catalog page; called after each committed change.
    func invalidate(course id: UUID) async {
        let replies = (try? await redis.pipeline([["INCR", catalogVersionKey], ["INCR", detailGenerationKey(id)]])) ?? []
        if replies.count != 2 || replies.contains(where: { $0.int == nil }) {
            // Entries written before the change stay until their time to live runs out.
            logger.warning("cannot invalidate the course cache", metadata: ["courseId": "\(id)", "ttlSeconds": "\(ttlSeconds)"])
        }
    }

    private var catalogVersionKey: String { redis.key("courses:catalog:version") }

    private func detailGenerationKey(_ id: UUID) -> String { redis.key("courses:detail:\(Self.text(id)):generation") }

    private func lookup(_ cache: String, generationKey: String, entryPrefix: String, suffix: String) async -> Lookup {
        do {
            let reply = try await redis.run(Self.lookupScript, keys: [generationKey], arguments: [entryPrefix, suffix])
            guard let parts = reply.array, parts.count == 2, let generation = parts[0].string else {
                throw RedisError(kind: .server, message: "unexpected reply from the cache lookup: \(reply)")
            }
            if let text = parts[1].string {
                Self.count(cache, "hit")
                return .hit(text)
            }
            Self.count(cache, "miss")
            return .miss(Slot(key: entryPrefix + generation + suffix))
        } catch {
            Self.count(cache, "error")
            logger.warning("course cache lookup failed; reading the database", metadata: ["error": "\(error)"])
            return .miss(nil)
        }
    }

    private static func count(_ cache: String, _ result: String) {
        Counter(label: "course_cache_lookups_total", dimensions: [("cache", cache), ("result", result)]).increment()
    }

    private static func text(_ id: UUID) -> String { id.lowercasedText }

    /// KEYS: the generation counter. ARGV: the entry key's text before and after the generation.
    /// Returns the generation (0 before the first change) and the entry, if any.
    static let lookupScript = RedisScript("""
        local generation = redis.call('GET', KEYS[1]) or '0'
        return {generation, redis.call('GET', ARGV[1] .. generation .. ARGV[2])}
        """)
}
