import Foundation

/// How a service reaches PostgreSQL: the settings `DATABASE_URL` and friends.
public struct DatabaseSettings: Sendable {
    /// A `postgres://user:password@host:port/database` URL; libpq reads it.
    public var url: String
    /// The schema the service owns; its tables are found there first (`search_path`).
    public var schema: String
    /// The most connections open at once (`DATABASE_MAX_CONNECTIONS`).
    public var maxConnections: Int
    /// How long a request waits for a free connection before a 503 (`DATABASE_ACQUIRE_TIMEOUT_MS`).
    public var acquireTimeout: Duration
    /// The longest one statement may run before the server cancels it (`DATABASE_STATEMENT_TIMEOUT_MS`).
    public var statementTimeout: Duration
    /// How long opening a connection may take (`DATABASE_CONNECT_TIMEOUT_MS`).
    public var connectTimeout: Duration
    /// The name the connections show in `pg_stat_activity`.
    public var applicationName: String
    /// Server settings of the service's own for every session, such as `plan_cache_mode`.
    public var sessionSettings: [String: String] = [:]

    /// Creates settings.
    public init(
        url: String, schema: String, maxConnections: Int = 10, acquireTimeout: Duration = .seconds(5),
        statementTimeout: Duration = .seconds(15), connectTimeout: Duration = .seconds(5),
        applicationName: String = "azora"
    ) {
        self.url = url
        self.schema = schema
        self.maxConnections = maxConnections
        self.acquireTimeout = acquireTimeout
        self.statementTimeout = statementTimeout
        self.connectTimeout = connectTimeout
        self.applicationName = applicationName
    }

    /// Reads the settings of a fleet member; the defaults reach the local stack's PostgreSQL
    /// with the member's own login role.
    /// - Throws: `SettingsError` for a malformed value.
    public init(settings: Settings, member: FleetMember) throws(SettingsError) {
        let schema = settings.string("DATABASE_SCHEMA", default: member.schema ?? member.name)
        let url = try settings.url(
            "DATABASE_URL", default: "postgres://\(schema):\(schema)-local@127.0.0.1:15432/azora",
            schemes: ["postgres", "postgresql"])
        self.init(
            url: url.absoluteString,
            schema: schema,
            maxConnections: try settings.int("DATABASE_MAX_CONNECTIONS", default: 10, in: 1...500),
            acquireTimeout: try settings.milliseconds("DATABASE_ACQUIRE_TIMEOUT_MS", default: .seconds(5)),
            statementTimeout: try settings.milliseconds("DATABASE_STATEMENT_TIMEOUT_MS", default: .seconds(15)),
            connectTimeout: try settings.milliseconds("DATABASE_CONNECT_TIMEOUT_MS", default: .seconds(5)),
            applicationName: member.name
        )
    }

    /// The libpq connection keywords: the URL first, then what every session must have.
    var connectionParameters: [(String, String)] {
        let statementMilliseconds = statementTimeout.components.seconds * 1000
            + statementTimeout.components.attoseconds / 1_000_000_000_000_000
        let connectSeconds = max(1, connectTimeout.components.seconds)
        // Each session finds its own schema first, reads and writes timestamps in UTC, and cannot
        // run a statement longer than the timeout.
        let options = [
            "-c search_path=\(schema)",
            "-c statement_timeout=\(statementMilliseconds)",
            "-c TimeZone=UTC",
            "-c DateStyle=ISO",
            "-c idle_in_transaction_session_timeout=\(max(statementMilliseconds * 2, 60_000))",
        ] + sessionSettings.sorted { $0.key < $1.key }.map { "-c \($0.key)=\($0.value)" }
        let joined = options.joined(separator: " ")
        return [
            ("dbname", url),
            ("options", joined),
            ("application_name", applicationName),
            ("connect_timeout", String(connectSeconds)),
            ("client_encoding", "UTF8"),
        ]
    }
}
