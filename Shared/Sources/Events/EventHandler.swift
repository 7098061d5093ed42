/// What a consumer does with one type of event, inside the transaction that also records the
/// event as handled: whatever the handler writes and the record commit together.
public struct EventHandler: Sendable {
    /// The event type handled, such as `user.registered`.
    public let type: String
    /// The work; it throws to have the event delivered again later.
    public let handle: @Sendable (EventEnvelope, Transaction) async throws -> Void

    /// Creates a handler.
    public init(_ type: String, _ handle: @escaping @Sendable (EventEnvelope, Transaction) async throws -> Void) {
        self.type = type
        self.handle = handle
    }
}

/// The tuning of a consumer; the defaults suit production, tests shorten the waits.
public struct ConsumerSettings: Sendable {
    /// How many messages one read takes.
    public var batchSize = 32
    /// How long one blocking read waits for new messages.
    public var blockFor: Duration = .seconds(2)
    /// How long a delivered message may stay unacknowledged before another consumer (or this
    /// one, again) takes it over.
    public var claimAfter: Duration = .seconds(30)
    /// How often to look for such messages.
    public var sweepEvery: Duration = .seconds(5)
    /// After this many deliveries without success a message goes to the dead-letter stream.
    public var maxDeliveries = 5

    /// The defaults.
    public init() {}
}
