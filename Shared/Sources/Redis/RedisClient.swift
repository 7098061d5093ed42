import Logging
import NIOPosix
import ServiceLifecycle

/// A process's Redis: a pool of hiredis connections whose blocking calls run on a thread pool of
/// their own, never on an event loop.
///
/// ```swift
/// try await redis.send("SET", "course:\(id)", json, "EX", "60")
/// let cached = try await redis.send("GET", "course:\(id)").string
/// ```
///
/// It is a `Service`: add it to the application so that its connections close on shutdown.
public final class RedisClient: Service, Sendable {
    /// The settings it was opened with.
    public let settings: RedisSettings
    private let pool: ConnectionPool<RedisConnection>
    private let threads: NIOThreadPool
    private let logger: Logger

    /// Creates the pool; connections are opened when first needed.
    public init(settings: RedisSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        let threads = NIOThreadPool(numberOfThreads: settings.maxConnections)
        threads.start()
        self.threads = threads
        pool = ConnectionPool(name: "redis", maxConnections: settings.maxConnections, acquireTimeout: settings.acquireTimeout) {
            try await threads.runIfActive { try RedisConnection(settings: settings) }
        }
    }

    /// Waits for shutdown, then closes the pool and its threads.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Closes the pool and stops its threads; later calls fail with `PoolUnavailableError`.
    public func close() async {
        await pool.close()
        try? await threads.shutdownGracefully()
    }

    /// The key with this process's prefix (`REDIS_KEY_PREFIX`) in front.
    public func key(_ name: String) -> String {
        settings.keyPrefix + name
    }

    /// Sends one command and returns its reply.
    /// - Throws: `RedisError` of kind `.server` for an error reply, `.connection` when Redis does
    ///   not answer, or `PoolUnavailableError`.
    @discardableResult
    public func send(_ command: String, _ arguments: String...) async throws -> RedisReply {
        try await send([command] + arguments)
    }

    /// Sends one command given as a list of words and returns its reply.
    @discardableResult
    public func send(_ words: [String]) async throws -> RedisReply {
        let reply = try await withConnection { try $0.send(words) }
        if case .error(let message) = reply { throw RedisError(kind: .server, message: message) }
        return reply
    }

    /// Sends several commands in one round trip and returns their replies in order; error
    /// replies are returned in place, not thrown.
    public func pipeline(_ commands: [[String]]) async throws -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        return try await withConnection { try $0.pipeline(commands) }
    }

    /// Runs a Lua script by its SHA-1, loading it first if Redis does not have it.
    /// - Parameters:
    ///   - script: the script.
    ///   - keys: the keys it touches (`KEYS[1…]`).
    ///   - arguments: its other arguments (`ARGV[1…]`).
    @discardableResult
    public func run(_ script: RedisScript, keys: [String], arguments: [String]) async throws -> RedisReply {
        let call = script.call(keys: keys, arguments: arguments)
        let reply = try await withConnection { connection in
            let first = try connection.send(call.bySHA)
            return RedisScript.needsSource(first) ? try connection.send(call.withSource) : first
        }
        if case .error(let message) = reply { throw RedisError(kind: .server, message: message) }
        return reply
    }

    /// Whether Redis answers: one `PING`.
    public func ping() async throws {
        try await send("PING")
    }

    /// A connection of its own, outside the pool, for blocking reads such as `XREADGROUP BLOCK`.
    public func makeDedicatedConnection(commandTimeout: Duration) -> DedicatedRedisConnection {
        DedicatedRedisConnection(settings: settings, commandTimeout: commandTimeout)
    }

    private func withConnection<T: Sendable>(_ work: @escaping @Sendable (RedisConnection) throws -> T) async throws -> T {
        let connection = try await pool.acquire()
        do {
            let result = try await threads.runIfActive { try work(connection) }
            await pool.release(connection, reusable: true)
            return result
        } catch {
            await pool.release(connection, reusable: false)
            throw error
        }
    }
}
