import NIOPosix

/// A transaction in progress, handed to the body of `Database.transaction`.
///
/// It holds one connection; use it from the body's own task only, one statement at a time.
public final class Transaction {
    private let connection: PostgresConnection
    private let threads: NIOThreadPool
    private var afterCommitActions: [@Sendable () -> Void] = []

    init(connection: PostgresConnection, threads: NIOThreadPool) {
        self.connection = connection
        self.threads = threads
    }

    /// Runs a statement and returns its rows.
    @discardableResult
    public func query(_ sql: SQL) async throws -> [PostgresRow] {
        try await execute(sql: sql).rows
    }

    /// Runs a statement and returns its first row, if any.
    public func queryFirst(_ sql: SQL) async throws -> PostgresRow? {
        try await execute(sql: sql).rows.first
    }

    /// Runs a statement and returns how many rows it inserted, updated or deleted.
    @discardableResult
    public func execute(_ sql: SQL) async throws -> Int {
        try await execute(sql: sql).affectedRows
    }

    /// Waits for, then holds until the transaction ends, a lock named `name` within this
    /// schema, to serialise writes that a row lock cannot (a check across many rows, say).
    /// Keyed by schema as well, so that services or test runs sharing a database in different
    /// schemas never wait for one another.
    public func lock(_ name: String) async throws {
        try await execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.' || \(name)))")
    }

    /// Registers work to do once the transaction has committed (waking a relay, say); it does not
    /// run if the transaction rolls back or is retried.
    public func afterCommit(_ action: @escaping @Sendable () -> Void) {
        afterCommitActions.append(action)
    }

    func run(_ script: String) async throws {
        let connection = connection
        try await threads.runIfActive { try connection.executeScript(script) }
    }

    func runAfterCommitActions() {
        afterCommitActions.forEach { $0() }
    }

    private func execute(sql: SQL) async throws -> PostgresResult {
        let (text, parameters) = sql.render()
        let connection = connection
        return try await threads.runIfActive { try connection.execute(text, parameters: parameters) }
    }
}
