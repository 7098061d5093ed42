import Foundation

/// Where a service records the events its changes cause, in the same transaction as the change,
/// so that an event exists if and only if its change was committed.
///
/// ```swift
/// try await database.transaction { tx in
///     try await store.insert(course, in: tx)
///     try await outbox.publish("course.published", subject: course.id.lowercasedText, data: CoursePublished(course), in: tx)
/// }
/// ```
public struct Outbox: Sendable {
    /// The fleet member whose events these are.
    public let source: String
    let relay: OutboxRelay
    /// Stamps each event's `occurredAt`: an event happens at the fleet's time, like the change it describes.
    let clock: FleetClock

    /// Creates the outbox of a fleet member, whose relay is woken after each commit.
    public init(source: String, relay: OutboxRelay, clock: FleetClock) {
        self.source = source
        self.relay = relay
        self.clock = clock
    }

    /// Records an event; the relay puts it on the bus once the transaction has committed.
    /// - Parameters:
    ///   - type: what happened, such as `course.published`.
    ///   - subject: what it is about, usually the changed resource's id.
    ///   - data: the payload.
    ///   - transaction: the transaction making the change.
    /// - Returns: the envelope recorded.
    @discardableResult
    public func publish(
        _ type: String, subject: String?, data: some Encodable, in transaction: Transaction
    ) async throws -> EventEnvelope {
        let envelope = try EventEnvelope(type: type, source: source, subject: subject, data: data, occurredAt: clock.now())
        try await append(envelope, in: transaction)
        return envelope
    }

    /// Records an envelope built elsewhere.
    public func append(_ envelope: EventEnvelope, in transaction: Transaction) async throws {
        try await transaction.execute(
            """
            INSERT INTO outbox (id, type, source, subject, occurred_at, data, traceparent)
            VALUES (\(envelope.id), \(envelope.type), \(envelope.source), \(envelope.subject),
                    \(envelope.occurredAt), \(envelope.data)::json, \(envelope.traceparent))
            """)
        let relay = relay
        transaction.afterCommit { relay.wake() }
    }

    /// Records one event per row of `events`, a query the database answers with the columns
    /// `id, type, subject, occurred_at, data`, in the order the events happened.
    ///
    /// For bulk changes whose payloads the database can write from the rows it has just stored:
    /// it then never turns thousands of payloads into text and back. The source and the current
    /// request's trace are added here, as for any other event.
    /// - Parameter changes: data-modifying statements run in the same statement, written as a
    ///   `WITH` list (`name AS (INSERT … RETURNING …), …`), whose `RETURNING` rows `events` may
    ///   select by name: the change and its events then cost one round trip.
    public func append(selecting events: SQL, with changes: SQL? = nil, in transaction: Transaction) async throws {
        let prefix: SQL = changes.map { (changes: SQL) -> SQL in "WITH \(changes)" } ?? ""
        try await transaction.execute(
            """
            \(prefix)
            INSERT INTO outbox (id, type, source, subject, occurred_at, data, traceparent)
            SELECT id, type, \(source), subject, occurred_at, data, \(EventEnvelope.currentTraceparent)
            FROM (\(events)) AS events
            """)
        let relay = relay
        transaction.afterCommit { relay.wake() }
    }
}
