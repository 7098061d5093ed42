import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Moves events from a service's outbox table to their Redis streams.
///
/// Each round locks a batch of waiting rows (`FOR UPDATE SKIP LOCKED`, so replicas share the
/// work), appends each event to its stream through a Lua script that appends an event id only
/// once, and deletes the rows in the same transaction. While Redis is down the round fails, the
/// rows stay, and the relay tries again with a growing pause: no event is lost, and none is
/// appended twice even if the process dies between appending and deleting.
public final class OutboxRelay: Service, Sendable {
    private let database: Database
    private let redis: RedisClient
    private let logger: Logger
    private let batchSize: Int
    private let pollInterval: Duration
    private let streamMaxLength: Int
    private let wakeups = WakeupSignal()

    /// Appends an event to its stream unless an event with its id was appended before.
    /// KEYS: stream, marker. ARGV: event JSON, approximate stream length cap, marker lifetime.
    static let appendOnce = RedisScript(
        """
        if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[3]) then
          return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'event', ARGV[1])
        end
        return false
        """)

    /// Creates a relay.
    /// - Parameters:
    ///   - batchSize: the most events moved in one round.
    ///   - pollInterval: how often to look when nothing woke the relay (events written by
    ///     another replica, or left over from a failed round).
    ///   - streamMaxLength: roughly how many events a stream keeps.
    public init(database: Database, redis: RedisClient, logger: Logger, batchSize: Int = 500,
                pollInterval: Duration = .milliseconds(500), streamMaxLength: Int = 1_000_000) {
        self.database = database
        self.redis = redis
        self.logger = logger
        self.batchSize = batchSize
        self.pollInterval = pollInterval
        self.streamMaxLength = streamMaxLength
    }

    /// Asks for a round now (called after a transaction with events commits).
    public func wake() {
        wakeups.signal()
    }

    /// Relays until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var failures = 0
            while !Task.isCancelled {
                do {
                    let moved = try await self.relayOnce()
                    if failures > 0 { self.logger.info("event relay recovered", metadata: ["failedRounds": "\(failures)"]) }
                    failures = 0
                    if moved == self.batchSize { continue }
                    await self.wakeups.wait(upTo: self.pollInterval)
                } catch {
                    failures += 1
                    if failures == 1 || failures % 60 == 0 {
                        self.logger.warning("event relay cannot publish; events wait in the outbox",
                                            metadata: ["error": "\(error)", "failedRounds": "\(failures)"])
                    }
                    try? await Task.sleep(for: .milliseconds(min(5000, 100 * (1 << min(failures, 6)))))
                }
            }
        }
    }

    /// Moves one batch of waiting events to their streams.
    /// - Returns: how many events were moved.
    @discardableResult
    public func relayOnce() async throws -> Int {
        try await database.transaction { transaction in
            let rows = try await transaction.query(
                """
                SELECT position, id, type, source, subject, occurred_at, data::text AS data, traceparent
                FROM outbox ORDER BY position LIMIT \(batchSize) FOR UPDATE SKIP LOCKED
                """)
            guard !rows.isEmpty else { return 0 }
            var positions: [Int64] = []
            var commands: [[String]] = []
            var types: [String] = []
            for row in rows {
                positions.append(try row.decode("position"))
                let id: UUID = try row.decode("id")
                let type: String = try row.decode("type")
                // The payload goes onto the bus as PostgreSQL prints it: decoding and re-encoding
                // it per event would cost more than the rest of the relay.
                let json = EventEnvelope.wireText(
                    id: id, type: type, source: try row.decode("source"), subject: try row.decode("subject"),
                    occurredAt: try row.decode("occurred_at"), dataJSON: try row.decode("data"),
                    traceparent: try row.decode("traceparent"))
                types.append(type)
                commands.append([
                    redis.key(EventStreams.stream(for: type)),
                    redis.key(EventStreams.publishedMarker(for: id.lowercasedText)),
                    json, String(streamMaxLength), String(7 * 24 * 3600),
                ])
            }
            try await appendAll(commands)
            try await transaction.execute("DELETE FROM outbox WHERE position = ANY(\(positions))")
            // One counter lookup per type, not per event: a lookup sanitizes the label names,
            // and a batch of transfers publishes thousands of events of one type.
            for (type, count) in types.reduce(into: [String: Int](), { $0[$1, default: 0] += 1 }) {
                Counter(label: "events_published_total", dimensions: [("type", type)]).increment(by: count)
            }
            return rows.count
        }
    }

    /// Runs the append script for every event in one pipeline, loading the script first when
    /// Redis has forgotten it.
    private func appendAll(_ invocations: [[String]]) async throws {
        func pipeline(_ verb: String, _ script: String) -> [[String]] {
            invocations.map { [verb, script, "2"] + $0 }
        }
        var replies = try await redis.pipeline(pipeline("EVALSHA", Self.appendOnce.sha))
        if replies.contains(where: { if case .error(let message) = $0 { message.hasPrefix("NOSCRIPT") } else { false } }) {
            replies = try await redis.pipeline(pipeline("EVAL", Self.appendOnce.source))
        }
        for reply in replies {
            if case .error(let message) = reply { throw RedisError(kind: .server, message: message) }
        }
    }
}

extension EventEnvelope {
    /// An envelope as the wire carries it (what `JSONCoding.makeEncoder()` writes for it), built
    /// around a payload that is already JSON text.
    static func wireText(id: UUID, type: String, source: String, subject: String?, occurredAt: Date, dataJSON: String,
                         traceparent: String?) -> String {
        var text = "{\"data\":" + dataJSON + ",\"id\":\"" + id.uuidString + "\",\"occurredAt\":\"" + Timestamp.format(occurredAt)
            + "\",\"source\":"
        JSONText.quote(source, into: &text)
        if let subject {
            text += ",\"subject\":"
            JSONText.quote(subject, into: &text)
        }
        if let traceparent {
            text += ",\"traceparent\":"
            JSONText.quote(traceparent, into: &text)
        }
        text += ",\"type\":"
        JSONText.quote(type, into: &text)
        return text + "}"
    }
}
