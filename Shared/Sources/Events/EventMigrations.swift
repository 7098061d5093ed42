/// The tables of the event bus in each service's schema: the outbox its changes write events
/// to (a row lives there until the relay has put it on the stream), and the record of events its
/// consumers have handled.
public enum EventMigrations {
    /// The bus's migrations; `ServiceRuntime.database(migrations:)` applies them before the service's own.
    public static let all: [Migration] = [
        Migration(
            id: "events/0001_outbox_and_handled",
            sql: """
                CREATE TABLE outbox (
                    position bigserial PRIMARY KEY,
                    id uuid NOT NULL UNIQUE,
                    type text NOT NULL,
                    source text NOT NULL,
                    subject text,
                    occurred_at timestamptz NOT NULL,
                    data jsonb NOT NULL,
                    traceparent text
                );

                CREATE TABLE handled_events (
                    consumer text NOT NULL,
                    event_id uuid NOT NULL,
                    handled_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (consumer, event_id)
                );
                """),
    ]
}
