/// A connection used synchronously, for the few start-up jobs (migrations) that run a sequence
/// of statements under a session-level lock on one of the database's threads.
public struct PostgresSession {
    let connection: PostgresConnection

    /// Runs a script of statements without parameters.
    public func run(_ script: String) throws {
        try connection.executeScript(script)
    }

    /// Runs a statement and returns its rows.
    public func query(_ sql: SQL) throws -> [PostgresRow] {
        let (text, parameters) = sql.render()
        return try connection.execute(text, parameters: parameters).rows
    }

    /// Runs a statement and returns how many rows it changed.
    @discardableResult
    public func execute(_ sql: SQL) throws -> Int {
        let (text, parameters) = sql.render()
        return try connection.execute(text, parameters: parameters).affectedRows
    }
}

extension Database {
    /// Runs blocking work on one connection while holding a session-level advisory lock, so that
    /// no other process runs the same work at the same time; the lock is released afterwards (and
    /// by the server if the process dies).
    /// - Parameters:
    ///   - lockKey: names the lock; hashed to the lock's number by the server.
    ///   - work: the work, run on one of the database's threads.
    public func withLockedSession<T: Sendable>(
        lockKey: String, _ work: @escaping @Sendable (PostgresSession) throws -> T
    ) async throws -> T {
        try await withConnection { connection in
            let session = PostgresSession(connection: connection)
            _ = try session.query("SELECT pg_advisory_lock(hashtext(\(lockKey)))")
            do {
                let result = try work(session)
                _ = try session.query("SELECT pg_advisory_unlock(hashtext(\(lockKey)))")
                return result
            } catch {
                if !connection.isBroken {
                    _ = try? session.query("SELECT pg_advisory_unlock(hashtext(\(lockKey)))")
                }
                throw error
            }
        }
    }
}
