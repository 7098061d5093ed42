import Foundation
import Shared

/// The event bus as a test sees it: puts events on it the way a publishing service's relay does,
/// and reads what a service under test published.
public struct EventBusProbe: Sendable {
    /// The key prefix of the service under test (its `REDIS_KEY_PREFIX`).
    public let keyPrefix: String

    public init(keyPrefix: String) {
        self.keyPrefix = keyPrefix
    }

    /// Appends an event to its stream; returns the envelope, to publish again as a redelivery.
    @discardableResult
    public func publish(_ type: String, source: String, subject: String, data: [String: JSONValue]) async throws -> EventEnvelope {
        let envelope = try EventEnvelope(type: type, source: source, subject: subject, data: data)
        try await publish(envelope)
        return envelope
    }

    public func publish(_ envelope: EventEnvelope) async throws {
        let json = String(decoding: try JSONCoding.makeEncoder().encode(envelope), as: UTF8.self)
        try await withRedis { redis in
            _ = try await redis.send("XADD", redis.key(EventStreams.stream(for: envelope.type)), "*", "event", json)
        }
    }

    /// Every event of the type on the bus so far (about `subject`, when given), oldest first.
    public func events(ofType type: String, subject: String? = nil) async throws -> [EventEnvelope] {
        try await withRedis { redis in
            let entries = try await redis.send("XRANGE", redis.key(EventStreams.stream(for: type)), "-", "+").array ?? []
            return try entries.compactMap { entry -> EventEnvelope? in
                guard let fields = entry.array?.last?.array, let index = fields.firstIndex(where: { $0.string == "event" }),
                      index + 1 < fields.count, let json = fields[index + 1].string else { return nil }
                let event = try JSONCoding.makeDecoder().decode(EventEnvelope.self, from: Data(json.utf8))
                return subject == nil || event.subject == subject ? event : nil
            }
        }
    }

    /// The events of the type (about `subject`, when given), once at least `count` are there, or
    /// whatever is there after 30 seconds: waiting costs nothing once they have arrived.
    public func waitForEvents(ofType type: String, subject: String? = nil, count: Int = 1) async throws -> [EventEnvelope] {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let events = try await events(ofType: type, subject: subject)
            if events.count >= count { return events }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await events(ofType: type, subject: subject)
    }

    private func withRedis<T>(_ body: (RedisClient) async throws -> T) async throws -> T {
        let redis = RedisClient(settings: RedisSettings(url: TestEnvironment.redisURL, keyPrefix: keyPrefix)!, logger: TestLogger.make("bus"))
        do {
            let result = try await body(redis)
            await redis.close()
            return result
        } catch {
            await redis.close()
            throw error
        }
    }
}
