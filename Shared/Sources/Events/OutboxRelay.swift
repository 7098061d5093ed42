import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Moves events from a service's outbox table to their Redis streams.
///
/// Each round takes a batch of waiting rows out of the outbox (locked with `SKIP LOCKED`, so
/// replicas share the work, and deleted by the same statement), appends the events to their
/// streams through a Lua script that appends an event id only once, and commits. While Redis is
/// down the round fails and rolls back, the rows stay, and the relay tries again with a growing
/// pause: no event is lost, and none is appended twice even if the process dies between
/// appending and committing (unless the rows then wait more than `markerLifetime` to be relayed
/// again; consumers ignore such a repeat).
public final class OutboxRelay: Service, Sendable {
    private let database: Database
    private let redis: RedisClient
    private let logger: Logger
    private let batchSize: Int
    private let pollInterval: Duration
    private let streamMaxLength: Int
    private let wakeups = WakeupSignal()
    private let resumePoint = Mutex(OutboxResumePoint())

    /// Appends events to their streams, each unless an event with its id was appended before.
    /// KEYS: each event's stream and marker, in turn. ARGV: the approximate stream length cap,
    /// the markers' lifetime, then each event's JSON. Returns how many it appended. An event
    /// that cannot be appended loses its marker again and fails the call, so a later round
    /// tries it again; the events before it stay appended and marked.
    static let appendOnce = RedisScript(
        """
        local appended = 0
        for i = 3, #ARGV do
          local stream, marker = KEYS[2 * i - 5], KEYS[2 * i - 4]
          if redis.call('SET', marker, '1', 'NX', 'EX', ARGV[2]) then
            local added = redis.pcall('XADD', stream, 'MAXLEN', '~', ARGV[1], '*', 'event', ARGV[i])
            if type(added) == 'table' and added.err then
              redis.call('DEL', marker)
              return added
            end
            appended = appended + 1
          end
        end
        return appended
        """)

    /// How many events one call of `appendOnce` carries. One call per event cost Redis more
    /// than the appends themselves; one call per round would hold every other client of Redis
    /// (the gateway's rate limits among them) for as long as a round of appends takes.
    static let eventsPerCall = 100

    /// How long a marker says its event was appended. It only has to outlast the moment between
    /// a round's appends and its commit: a round that dies there leaves its rows to the next
    /// round, in this replica or another, normally within a poll interval. Past an hour a
    /// repeat reaches the stream, and consumers, who record the ids they handled, ignore it.
    /// Markers are one key per event, so their lifetime is what they cost Redis in memory: a
    /// week of them at a thousand events a second would be 600 million keys.
    static let markerLifetime = String(3600)

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
                    if failures > 0 { self.logger.notice("event relay recovered", metadata: ["failedRounds": "\(failures)"]) }
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
        let after = resumePoint.withLock { $0.after }
        do {
            let (moved, last) = try await relayRound(after: after)
            resumePoint.withLock { $0.roundEnded(full: moved == batchSize, lastPosition: last) }
            return moved
        } catch {
            resumePoint.withLock { $0 = OutboxResumePoint() }
            throw error
        }
    }

    /// One round: takes up to `batchSize` waiting rows past `after` out of the outbox, appends
    /// their events, and commits. Returns how many it moved and the last one's position.
    private func relayRound(after: Int64) async throws -> (moved: Int, lastPosition: Int64) {
        try await database.transaction { transaction in
            // Deleted at once rather than locked and deleted after the appends: the rows come
            // back if the appends fail, since the transaction then rolls back. The inner query
            // locks the rows it picks, so their ctids (a TID scan: no index lookup per row)
            // stay theirs until the commit.
            let rows = try await transaction.query(
                """
                DELETE FROM outbox WHERE ctid = ANY(ARRAY(
                    SELECT ctid FROM outbox WHERE position > \(after) ORDER BY position LIMIT \(batchSize)
                    FOR UPDATE SKIP LOCKED))
                RETURNING position, id, type, source, subject, occurred_at, data::text AS data, traceparent
                """)
            var events: [RelayedEvent] = []
            events.reserveCapacity(rows.count)
            for row in rows {
                let id: UUID = try row.decode("id")
                let type: String = try row.decode("type")
                // The payload goes onto the bus as PostgreSQL prints it: decoding and re-encoding
                // it per event would cost more than the rest of the relay.
                let json = EventEnvelope.wireText(
                    id: id, type: type, source: try row.decode("source"), subject: try row.decode("subject"),
                    occurredAt: try row.decode("occurred_at"), dataJSON: try row.decode("data"),
                    traceparent: try row.decode("traceparent"))
                events.append(RelayedEvent(position: try row.decode("position"), type: type,
                                           stream: redis.key(EventStreams.stream(for: type)),
                                           marker: redis.key(EventStreams.publishedMarker(for: id.lowercasedText)), json: json))
            }
            // `RETURNING` gives the rows in the order the TID scan met them.
            events.sort { $0.position < $1.position }
            try await appendAll(events)
            // One counter lookup per type, not per event: a lookup sanitizes the label names,
            // and a batch of transfers publishes thousands of events of one type.
            for (type, count) in events.reduce(into: [String: Int](), { $0[$1.type, default: 0] += 1 }) {
                Counter(label: "events_published_total", dimensions: [("type", type)]).increment(by: count)
            }
            return (events.count, events.last?.position ?? after)
        }
    }

    /// Appends the events in order, `eventsPerCall` to a call of the append script.
    private func appendAll(_ events: [RelayedEvent]) async throws {
        for start in stride(from: 0, to: events.count, by: Self.eventsPerCall) {
            let chunk = events[start..<min(start + Self.eventsPerCall, events.count)]
            try await redis.run(Self.appendOnce, keys: chunk.flatMap { [$0.stream, $0.marker] },
                                arguments: [String(streamMaxLength), Self.markerLifetime] + chunk.map(\.json))
        }
    }
}

/// An event taken out of the outbox, ready to append: its row's position, its type, the keys
/// of its stream and marker, and its text as the wire carries it.
private struct RelayedEvent {
    let position: Int64
    let type: String
    let stream: String
    let marker: String
    let json: String
}

extension EventEnvelope {
    /// An envelope as the wire carries it (what `JSONCoding.makeEncoder()` writes for it), built
    /// around a payload that is already JSON text.
    static func wireText(id: UUID, type: String, source: String, subject: String?, occurredAt: Date, dataJSON: String,
                         traceparent: String?) -> String {
        var text = "{\"data\":" + dataJSON + ",\"id\":\"" + id.uppercasedText + "\",\"occurredAt\":\"" + Timestamp.format(occurredAt)
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
