import Foundation
import Logging
import Metrics
import ServiceLifecycle
import W3CTraceContext

/// Reads the streams of the event types a service handles, in a consumer group named after the
/// service, so that each event reaches one replica of each consuming service.
///
/// An event is acknowledged only after its handler's transaction committed, together with a
/// row saying the event was handled; a redelivered event finds that row and changes nothing
/// twice. Messages a crashed consumer left unacknowledged are taken over after `claimAfter`.
/// A message that fails `maxDeliveries` times moves to the group's dead-letter stream, from
/// which `replayDeadLetters()` runs it again once the cause is fixed.
public final class EventConsumer: Service, Sendable {
    /// The consumer group: the consuming service's name.
    public let group: String
    private let consumerName: String
    private let database: Database
    private let redis: RedisClient
    private let handlers: [String: EventHandler]
    private let settings: ConsumerSettings
    private let logger: Logger

    /// Creates a consumer.
    /// - Parameters:
    ///   - group: the consuming service's name.
    ///   - handlers: one per event type.
    public init(group: String, database: Database, redis: RedisClient, handlers: [EventHandler],
                settings: ConsumerSettings = .init(), logger: Logger) {
        self.group = group
        consumerName = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        self.database = database
        self.redis = redis
        self.handlers = Dictionary(handlers.map { ($0.type, $0) }, uniquingKeysWith: { first, _ in first })
        self.settings = settings
        self.logger = logger
    }

    private var streams: [String] { handlers.keys.sorted().map { redis.key(EventStreams.stream(for: $0)) } }
    private var deadLetterStream: String { redis.key(EventStreams.deadLetters(for: group)) }

    /// Consumes until graceful shutdown.
    public func run() async throws {
        guard !handlers.isEmpty else { return }
        let connection = redis.makeDedicatedConnection(commandTimeout: settings.blockFor + .seconds(3))
        await cancelWhenGracefulShutdown {
            var groupsReady = false
            var lastSweep = ContinuousClock.now - self.settings.sweepEvery
            var failures = 0
            while !Task.isCancelled {
                do {
                    if !groupsReady {
                        try await self.createGroups()
                        groupsReady = true
                    }
                    if ContinuousClock.now - lastSweep >= self.settings.sweepEvery {
                        try await self.sweepPending()
                        lastSweep = .now
                    }
                    for message in try await self.readNew(on: connection) {
                        await self.process(message)
                    }
                    failures = 0
                } catch {
                    if "\(error)".contains("NOGROUP") { groupsReady = false }
                    failures += 1
                    if failures == 1 || failures % 60 == 0 {
                        self.logger.warning("event consumer cannot read", metadata: ["error": "\(error)"])
                    }
                    try? await Task.sleep(for: .milliseconds(min(5000, 100 * (1 << min(failures, 6)))))
                }
            }
        }
        await connection.close()
    }

    /// Handles one round: takes over stale pending messages, then reads and handles new ones.
    /// For tests and tools that drive a consumer step by step.
    public func consumeOnce() async throws {
        try await createGroups()
        try await sweepPending()
        let connection = redis.makeDedicatedConnection(commandTimeout: settings.blockFor + .seconds(3))
        for message in try await readNew(on: connection) {
            await process(message)
        }
        await connection.close()
    }

    /// Runs the dead letters again; those handled now leave the dead-letter stream.
    /// - Returns: how many were handled and how many failed again.
    @discardableResult
    public func replayDeadLetters(limit: Int = 1000) async throws -> (handled: Int, failed: Int) {
        var handled = 0
        var failed = 0
        for letter in try await deadLetters(limit: limit) {
            do {
                try await handle(eventJSON: letter.event)
                try await redis.send("XDEL", deadLetterStream, letter.id)
                handled += 1
            } catch {
                logger.warning("dead letter failed again", metadata: ["messageId": "\(letter.id)", "error": "\(error)"])
                failed += 1
            }
        }
        return (handled, failed)
    }

    /// The messages in the dead-letter stream, oldest first.
    public func deadLetters(limit: Int = 100) async throws -> [DeadLetter] {
        let reply = try await redis.send("XRANGE", deadLetterStream, "-", "+", "COUNT", String(limit))
        return (reply.array ?? []).compactMap(DeadLetter.init(entry:))
    }

    private func createGroups() async throws {
        for stream in streams {
            do {
                // From the start of the stream, so that events published before this consumer
                // first ran are handled too.
                try await redis.send("XGROUP", "CREATE", stream, group, "0", "MKSTREAM")
            } catch let error as RedisError where error.message.hasPrefix("BUSYGROUP") {
                continue
            }
        }
    }

    private func readNew(on connection: DedicatedRedisConnection) async throws -> [StreamMessage] {
        let milliseconds = settings.blockFor.components.seconds * 1000
            + settings.blockFor.components.attoseconds / 1_000_000_000_000_000
        let reply = try await connection.send(
            ["XREADGROUP", "GROUP", group, consumerName, "COUNT", String(settings.batchSize),
             "BLOCK", String(milliseconds), "STREAMS"] + streams + streams.map { _ in ">" })
        return StreamMessage.parse(readReply: reply)
    }

    /// Takes over messages left unacknowledged for longer than `claimAfter` (by a consumer that
    /// died, or by this one after a failure), dead-lettering those delivered too often.
    private func sweepPending() async throws {
        let idle = String(settings.claimAfter.components.seconds * 1000
            + settings.claimAfter.components.attoseconds / 1_000_000_000_000_000)
        for stream in streams {
            let pending = try await redis.send("XPENDING", stream, group, "IDLE", idle, "-", "+", "100")
            for entry in pending.array ?? [] {
                guard let fields = entry.array, fields.count >= 4, let id = fields[0].string,
                    let deliveries = fields[3].int
                else { continue }
                if deliveries >= settings.maxDeliveries {
                    try await moveToDeadLetters(stream: stream, id: id, deliveries: deliveries)
                    continue
                }
                let claimed = try await redis.send("XCLAIM", stream, group, consumerName, idle, id)
                for message in StreamMessage.parse(entries: claimed, stream: stream) {
                    await process(message)
                }
                if claimed.array?.first?.isNull ?? false {
                    // Trimmed from the stream: nothing left to handle.
                    try await redis.send("XACK", stream, group, id)
                }
            }
        }
    }

    private func moveToDeadLetters(stream: String, id: String, deliveries: Int) async throws {
        let entry = try await redis.send("XRANGE", stream, id, id)
        let event = StreamMessage.parse(entries: entry, stream: stream).first?.event ?? ""
        _ = try await redis.pipeline([
            ["XADD", deadLetterStream, "*", "stream", stream, "messageId", id, "event", event,
             "deliveries", String(deliveries), "deadAt", Timestamp.format(Date())],
            ["XACK", stream, group, id],
        ])
        Counter(label: "events_dead_lettered_total", dimensions: [("group", group)]).increment()
        logger.error("event moved to the dead-letter stream",
                     metadata: ["stream": "\(stream)", "messageId": "\(id)", "deliveries": "\(deliveries)"])
    }

    private func process(_ message: StreamMessage) async {
        do {
            let type = try await handle(eventJSON: message.event)
            try await redis.send("XACK", message.stream, group, message.id)
            Counter(label: "events_handled_total", dimensions: [("type", type), ("outcome", "handled")]).increment()
        } catch {
            Counter(label: "events_handled_total", dimensions: [("type", message.stream), ("outcome", "failed")]).increment()
            logger.warning("event handler failed; the event will be delivered again",
                           metadata: ["stream": "\(message.stream)", "messageId": "\(message.id)", "error": "\(error)"])
        }
    }

    /// Runs the event's handler in a transaction that records the event as handled; an event
    /// already recorded is skipped.
    @discardableResult
    private func handle(eventJSON: String) async throws -> String {
        let envelope = try JSONCoding.makeDecoder().decode(EventEnvelope.self, from: Data(eventJSON.utf8))
        guard let handler = handlers[envelope.type] else { return envelope.type }
        let group = group
        try await RequestTrace.$current.withValue(envelope.requestTrace) {
            try await database.transaction { transaction in
                let recorded = try await transaction.execute(
                    "INSERT INTO handled_events (consumer, event_id) VALUES (\(group), \(envelope.id)) ON CONFLICT DO NOTHING")
                guard recorded == 1 else { return }
                try await handler.handle(envelope, transaction)
            }
        }
        return envelope.type
    }
}

/// A message that failed too often, kept in its group's dead-letter stream.
public struct DeadLetter: Sendable, Codable {
    /// Its id in the dead-letter stream.
    public let id: String
    /// The stream it came from.
    public let stream: String
    /// Its id in that stream.
    public let messageId: String
    /// The event, as JSON.
    public let event: String
    /// How many times it was delivered.
    public let deliveries: Int

    init?(entry: RedisReply) {
        guard let parts = entry.array, parts.count == 2, let id = parts[0].string, let fields = parts[1].array else {
            return nil
        }
        var values: [String: String] = [:]
        for index in stride(from: 0, to: fields.count - 1, by: 2) {
            if let key = fields[index].string { values[key] = fields[index + 1].string }
        }
        self.id = id
        stream = values["stream"] ?? ""
        messageId = values["messageId"] ?? ""
        event = values["event"] ?? ""
        deliveries = Int(values["deliveries"] ?? "") ?? 0
    }
}

/// One message read from a stream.
struct StreamMessage: Sendable {
    let stream: String
    let id: String
    let event: String

    /// The messages of an `XREADGROUP` reply: `[[stream, [[id, [field, value, …]], …]], …]`.
    static func parse(readReply reply: RedisReply) -> [StreamMessage] {
        (reply.array ?? []).flatMap { streamReply -> [StreamMessage] in
            guard let parts = streamReply.array, parts.count == 2, let stream = parts[0].string else { return [] }
            return parse(entries: parts[1], stream: stream)
        }
    }

    /// The messages of an entry list (`XRANGE`, `XCLAIM`): `[[id, [field, value, …]], …]`.
    static func parse(entries: RedisReply, stream: String) -> [StreamMessage] {
        (entries.array ?? []).compactMap { entry in
            guard let parts = entry.array, parts.count == 2, let id = parts[0].string, let fields = parts[1].array,
                let index = fields.firstIndex(where: { $0.string == "event" }), index + 1 < fields.count,
                let event = fields[index + 1].string
            else { return nil }
            return StreamMessage(stream: stream, id: id, event: event)
        }
    }
}

extension EventEnvelope {
    /// The trace of the request that caused the event, so that a handler's logs and peer calls
    /// continue it.
    var requestTrace: RequestTrace {
        RequestTrace(
            requestId: id.lowercasedText,
            trace: traceparent.flatMap { try? TraceContext(traceParentHeaderValue: $0) },
            bearerToken: nil)
    }
}
