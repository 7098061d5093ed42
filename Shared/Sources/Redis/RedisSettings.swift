import Foundation

/// How a process reaches Redis: the settings `REDIS_URL` and friends.
public struct RedisSettings: Sendable {
    /// The host name or address.
    public var host: String
    /// The port.
    public var port: Int
    /// The ACL user name, if any.
    public var username: String?
    /// The password, if any.
    public var password: String?
    /// The database number.
    public var database: Int
    /// The most pooled connections open at once (`REDIS_MAX_CONNECTIONS`).
    public var maxConnections: Int
    /// How long a caller waits for a free connection (`REDIS_ACQUIRE_TIMEOUT_MS`).
    public var acquireTimeout: Duration
    /// How long opening a connection may take (`REDIS_CONNECT_TIMEOUT_MS`).
    public var connectTimeout: Duration
    /// How long a command may wait for its reply (`REDIS_COMMAND_TIMEOUT_MS`).
    public var commandTimeout: Duration
    /// A prefix for every key this process writes, so that tests and tenants can share a server.
    public var keyPrefix: String

    /// Creates settings from a `redis://[user:password@]host:port[/db]` URL.
    /// - Returns: `nil` when the URL is not of that form.
    public init?(
        url: String, maxConnections: Int = 16, acquireTimeout: Duration = .seconds(2),
        connectTimeout: Duration = .seconds(1), commandTimeout: Duration = .seconds(2), keyPrefix: String = ""
    ) {
        guard let components = URLComponents(string: url), components.scheme == "redis",
            let host = components.host, !host.isEmpty
        else { return nil }
        self.host = host
        port = components.port ?? 6379
        username = components.user.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding }
        password = components.password?.removingPercentEncoding
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard let database = path.isEmpty ? 0 : Int(path) else { return nil }
        self.database = database
        self.maxConnections = maxConnections
        self.acquireTimeout = acquireTimeout
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.keyPrefix = keyPrefix
    }

    /// What a new connection says first: who it is (`AUTH`) and which database it uses (`SELECT`).
    var greeting: [[String]] {
        var greeting: [[String]] = []
        if let password { greeting.append(username.map { ["AUTH", $0, password] } ?? ["AUTH", password]) }
        if database != 0 { greeting.append(["SELECT", String(database)]) }
        return greeting
    }

    /// Reads the settings; the default reaches the local stack's Redis.
    /// - Throws: `SettingsError` for a malformed value.
    public init(settings: Settings) throws(SettingsError) {
        let url = settings.raw("REDIS_URL", secret: true) ?? "redis://127.0.0.1:16379"
        guard
            let parsed = RedisSettings(
                url: url,
                maxConnections: try settings.int("REDIS_MAX_CONNECTIONS", default: 16, in: 1...500),
                acquireTimeout: try settings.milliseconds("REDIS_ACQUIRE_TIMEOUT_MS", default: .seconds(2)),
                connectTimeout: try settings.milliseconds("REDIS_CONNECT_TIMEOUT_MS", default: .seconds(1)),
                commandTimeout: try settings.milliseconds("REDIS_COMMAND_TIMEOUT_MS", default: .seconds(2)),
                keyPrefix: settings.string("REDIS_KEY_PREFIX", default: ""))
        else {
            throw .malformed("REDIS_URL", nil, expected: "a URL such as redis://[user:password@]host:6379[/0]")
        }
        self = parsed
    }
}
