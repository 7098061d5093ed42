import Logging
import NIOPosix
import ServiceLifecycle

/// A service's PostgreSQL database: a pool of libpq connections whose blocking calls run on a
/// thread pool of their own, never on an event loop.
///
/// ```swift
/// let rows = try await database.query("SELECT id, name FROM courses WHERE owner = \(userId)")
/// try await database.transaction { tx in
///     try await tx.execute("UPDATE accounts SET balance = balance - \(amount) WHERE id = \(from)")
///     try await tx.execute("UPDATE accounts SET balance = balance + \(amount) WHERE id = \(to)")
/// }
/// ```
///
/// It is a `Service`: add it to the application so that its connections close on shutdown.
public final class Database: Service, Sendable {
    /// The settings it was opened with.
    public let settings: DatabaseSettings
    let logger: Logger
    private let pool: ConnectionPool<PostgresConnection>
    private let threads: NIOThreadPool

    /// Creates the pool; connections are opened when first needed.
    public init(settings: DatabaseSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        let threads = NIOThreadPool(numberOfThreads: settings.maxConnections)
        threads.start()
        self.threads = threads
        let parameters = settings.connectionParameters
        pool = ConnectionPool(
            name: "postgres", maxConnections: settings.maxConnections, acquireTimeout: settings.acquireTimeout
        ) {
            try await threads.runIfActive { try PostgresConnection(parameters: parameters) }
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

    /// Runs a statement and returns its rows.
    /// - Throws: `PostgresError`, or `PoolUnavailableError` when no connection is free in time.
    @discardableResult
    public func query(_ sql: SQL) async throws -> [PostgresRow] {
        try await run(sql).rows
    }

    /// Runs a statement and returns its first row, if any.
    public func queryFirst(_ sql: SQL) async throws -> PostgresRow? {
        try await run(sql).rows.first
    }

    /// Runs a statement and returns how many rows it inserted, updated or deleted.
    @discardableResult
    public func execute(_ sql: SQL) async throws -> Int {
        try await run(sql).affectedRows
    }

    /// Runs `body` in a transaction and commits it; rolls back if `body` throws.
    ///
    /// When PostgreSQL reports a serialization failure or a deadlock, the whole transaction is
    /// run again (up to `maxAttempts` times, with a growing random pause), so `body` must not
    /// have effects outside the database. Work to do only once the commit succeeded goes in
    /// `Transaction.afterCommit`.
    /// - Parameters:
    ///   - isolation: the isolation level.
    ///   - maxAttempts: how many times to try in all.
    ///   - body: the work; its return value is returned.
    public func transaction<T>(
        _ isolation: IsolationLevel = .readCommitted, maxAttempts: Int = 8,
        _ body: (Transaction) async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await transactionOnce(isolation, body)
            } catch let error as PostgresError where attempt < maxAttempts && error.isRetryableTransactionFailure {
                logger.debug("retrying transaction", metadata: ["attempt": "\(attempt)", "sqlState": "\(error.sqlState ?? "")"])
                try await Task.sleep(for: Self.backoff(attempt: attempt))
                attempt += 1
            } catch let error as TerminatedBeforeCommit where attempt < maxAttempts {
                logger.info("database connection was closed by the server; retrying transaction",
                            metadata: ["reason": "\(error.underlying.message)"])
                attempt += 1
            } catch let error as TerminatedBeforeCommit {
                throw error.underlying
            }
        }
    }

    /// Whether the database answers: one round trip.
    public func ping() async throws {
        try await execute("SELECT 1")
    }

    /// Runs work on a pooled connection on the database's threads, dropping the connection if it broke.
    func withConnection<T: Sendable>(_ work: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        let connection = try await pool.acquire()
        do {
            let result = try await threads.runIfActive { try work(connection) }
            await pool.release(connection, reusable: true)
            return result
        } catch {
            await pool.release(connection, reusable: !connection.isBroken)
            throw error
        }
    }

    /// How many connections are open, idle and waited for.
    public var poolStatistics: (open: Int, idle: Int, waiting: Int) {
        get async { await pool.statistics }
    }

    private func run(_ sql: SQL) async throws -> PostgresResult {
        let (text, parameters) = sql.render()
        do {
            return try await withConnection { try $0.execute(text, parameters: parameters) }
        } catch let error as PostgresError where error.isServerTermination {
            // The server ended this idle connection (a restart) before it read our statement, so
            // nothing ran; once more on a fresh connection is safe.
            logger.info("database connection was closed by the server; retrying on a new one")
            return try await withConnection { try $0.execute(text, parameters: parameters) }
        }
    }

    private func transactionOnce<T>(_ isolation: IsolationLevel, _ body: (Transaction) async throws -> T) async throws
        -> T
    {
        let connection = try await pool.acquire()
        let transaction = Transaction(connection: connection, threads: threads)
        do {
            do {
                try await transaction.run("BEGIN ISOLATION LEVEL \(isolation.rawValue)")
            } catch let error as PostgresError where error.isServerTermination {
                throw TerminatedBeforeCommit(underlying: error)
            }
            let result = try await body(transaction)
            try await transaction.run("COMMIT")
            await pool.release(connection, reusable: true)
            transaction.runAfterCommitActions()
            return result
        } catch {
            if !connection.isBroken {
                _ = try? await threads.runIfActive { try connection.executeScript("ROLLBACK") }
            }
            await pool.release(connection, reusable: !connection.isBroken)
            throw error
        }
    }

    private static func backoff(attempt: Int) -> Duration {
        let ceiling = min(200, 5 << min(attempt, 6))
        return .milliseconds(Int.random(in: 1...ceiling))
    }
}

/// How strictly concurrent transactions are kept apart.
public enum IsolationLevel: String, Sendable {
    /// Each statement sees what was committed before it began (PostgreSQL's default).
    case readCommitted = "READ COMMITTED"
    /// The whole transaction sees one snapshot.
    case repeatableRead = "REPEATABLE READ"
    /// As if transactions ran one after another; conflicts fail with 40001 and are retried.
    case serializable = "SERIALIZABLE"
}

/// The server closed the connection as a transaction began, so nothing of it ran.
private struct TerminatedBeforeCommit: Error {
    let underlying: PostgresError
}

extension PostgresError {
    /// The server told this connection it is shutting down (57P01/57P02) or the connection was
    /// already closed when the statement was sent.
    var isServerTermination: Bool {
        sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03"
            || (kind == .connection && message.contains("server closed the connection unexpectedly"))
    }
}

extension PostgresConnection: PoolableConnection {}
