import Shared
import Synchronization

/// Keeps one pooled database connection busy for exactly as long as a test needs, so that tests
/// of an exhausted pool depend on what happened, never on how fast the machine is.
///
/// The hold gives the connection back when released, or after ten seconds at the latest, so that
/// code which waits for the connection instead of refusing makes its test fail rather than hang.
final class ConnectionHold: Sendable {
    private let state = Mutex((held: false, released: false))

    /// Takes a connection from the pool and keeps it, inside a transaction, until released.
    func hold(_ database: Database) async throws {
        try await database.transaction { _ in
            state.withLock { $0.held = true }
            try await Self.wait(upTo: .seconds(10)) { self.state.withLock { $0.released } }
        }
    }

    /// Returns once `hold` has its connection.
    func waitUntilHeld() async throws {
        try await Self.wait(upTo: .seconds(10)) { self.state.withLock { $0.held } }
    }

    /// Lets `hold` give its connection back.
    func release() {
        state.withLock { $0.released = true }
    }

    private static func wait(upTo limit: Duration, until condition: @Sendable () -> Bool) async throws {
        let deadline = ContinuousClock.now + limit
        while !condition(), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
