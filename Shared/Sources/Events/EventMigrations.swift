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
        // A payload waits in the outbox only until the relay copies its text onto the stream.
        // `json` keeps the text as given; `jsonb` turned each payload into its binary form on
        // the way in and back into text on the way out: about 3 µs an event (timed in psql over
        // 100,000 ledger payloads), where a whole batched transfer, event included, costs ~90.
        Migration(
            id: "events/0002_outbox_payload_as_json",
            sql: "ALTER TABLE outbox ALTER COLUMN data TYPE json USING data::json;"),
        // An event id is unique by how it is made (a UUIDv7: its millisecond and 74 random bits), and a
        // row stays in the outbox only until it is relayed, so a unique index could only compare
        // an id with the few rows still waiting: no promise consumers could rely on (they record
        // the ids they handled), for an index insertion per event. Inserting 5,000 events in
        // psql took 34-59 ms without it against 42-71 ms with it.
        Migration(
            id: "events/0003_outbox_id_not_indexed",
            sql: "ALTER TABLE outbox DROP CONSTRAINT outbox_id_key;"),
    ]
}
