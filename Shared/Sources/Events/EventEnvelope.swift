import Foundation
import W3CTraceContext

/// An event as it travels on the bus: `{id, type, source, subject, occurredAt, data, traceparent}`.
///
/// Publishers build one with their own `Encodable` payload; consumers declare a slim copy of the
/// payload they read and decode `data` into it, so that no service compiles against another.
public struct EventEnvelope: Codable, Sendable, Equatable {
    /// A unique id (UUID v7), the key consumers deduplicate on.
    public var id: UUID
    /// What happened, as `<noun>.<past-tense verb>`: `user.registered`, `payment.succeeded`.
    public var type: String
    /// The fleet member that published it.
    public var source: String
    /// What it is about, usually the id of the changed resource.
    public var subject: String?
    /// When it happened.
    public var occurredAt: Date
    /// The payload.
    public var data: JSONValue
    /// The trace of the request that caused it.
    public var traceparent: String?

    /// Creates an envelope around an encodable payload, stamped with the current request's trace.
    /// - Throws: when the payload cannot be encoded as JSON.
    public init(
        type: String, source: String, subject: String? = nil, data: some Encodable,
        id: UUID = UUIDv7.make(), occurredAt: Date = Date()
    ) throws {
        self.id = id
        self.type = type
        self.source = source
        self.subject = subject
        self.occurredAt = Timestamp.rounded(occurredAt)
        let encoded = try JSONCoding.makeEncoder().encode(data)
        self.data = try JSONCoding.makeDecoder().decode(JSONValue.self, from: encoded)
        traceparent = Self.currentTraceparent
    }

    /// Creates an envelope around a payload already in JSON form.
    public init(type: String, source: String, subject: String? = nil, json data: JSONValue, id: UUID = UUIDv7.make(),
                occurredAt: Date = Date()) {
        self.id = id
        self.type = type
        self.source = source
        self.subject = subject
        self.occurredAt = Timestamp.rounded(occurredAt)
        self.data = data
        traceparent = Self.currentTraceparent
    }

    /// The trace of the request being handled, which the events it causes carry.
    static var currentTraceparent: String? {
        RequestTrace.current?.trace?.traceParentHeaderValue
    }

    /// Decodes the payload into the consumer's own copy of its shape.
    /// - Throws: `DecodingError` when the payload does not have that shape.
    public func decode<Payload: Decodable>(_ type: Payload.Type) throws -> Payload {
        let encoded = try JSONCoding.makeEncoder().encode(data)
        return try JSONCoding.makeDecoder().decode(Payload.self, from: encoded)
    }
}
