/// The names of the Redis streams the bus uses: one stream per event type, so that a consumer
/// reads only the types it handles, and one dead-letter stream per consumer group.
public enum EventStreams {
    /// The stream of one event type: `events:payment.succeeded`.
    public static func stream(for type: String) -> String { "events:\(type)" }

    /// The stream where a consumer group's poison messages go: `events:dead:<group>`.
    public static func deadLetters(for group: String) -> String { "events:dead:\(group)" }

    /// The key that marks an event as already appended to its stream.
    static func publishedMarker(for id: String) -> String { "events:published:\(id)" }
}
