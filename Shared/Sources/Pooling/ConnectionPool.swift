import HTTPTypes
import DequeModule

/// A connection a `ConnectionPool` can hold: it can say, without blocking, whether it still works.
protocol PoolableConnection: AnyObject, Sendable {
    /// Whether the connection can be handed out again; checked without blocking.
    var isUsable: Bool { get }
}

/// The pool could not hand out a connection in time, or is closed. Answered with a 503.
public struct PoolUnavailableError: ProblemError, CustomStringConvertible {
    /// The pool's name: `postgres` or `redis`.
    public let pool: String
    /// Why: timed out waiting, or closed for shutdown.
    public let reason: String

    public var status: HTTPResponse.Status { .serviceUnavailable }
    public var code: String { "\(pool)_unavailable" }
    public var detail: String { "the service is busy; try again shortly" }
    public var extensions: [String: JSONValue] { ["retryAfter": 1] }
    public var description: String { "\(pool) pool: \(reason)" }
}

/// A bounded pool of connections shared by the tasks of one process.
///
/// At most `maxConnections` exist at once. A task that finds none free waits in line for up to
/// `acquireTimeout` and then gets `PoolUnavailableError` (a 503), never an endless hang.
/// Connections that stopped working are thrown away on release or when found idle, and new ones
/// are opened in their place, so the pool recovers by itself after a server restart.
actor ConnectionPool<Connection: PoolableConnection> {
    /// Opens a new connection; throws when the server cannot be reached.
    typealias Factory = @Sendable () async throws -> Connection

    private enum Grant {
        case connection(Connection)
        case openNew
    }

    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Grant, any Error>
        let timer: Task<Void, Never>
    }

    private let name: String
    private let maxConnections: Int
    private let acquireTimeout: Duration
    private let factory: Factory
    private var idle: [Connection] = []
    private var openCount = 0
    private var waiters: Deque<Waiter> = []
    private var nextWaiterID = 0
    private var isClosed = false

    init(name: String, maxConnections: Int, acquireTimeout: Duration, factory: @escaping Factory) {
        precondition(maxConnections > 0, "a pool needs room for at least one connection")
        self.name = name
        self.maxConnections = maxConnections
        self.acquireTimeout = acquireTimeout
        self.factory = factory
    }

    /// Takes a working connection, opening one or waiting for one as needed.
    /// - Throws: `PoolUnavailableError` after `acquireTimeout` or when closed; the factory's
    ///   error when a new connection cannot be opened.
    func acquire() async throws -> Connection {
        guard !isClosed else { throw PoolUnavailableError(pool: name, reason: "closed") }
        while let connection = idle.popLast() {
            if connection.isUsable { return connection }
            openCount -= 1
        }
        if openCount < maxConnections {
            openCount += 1
            return try await open()
        }
        switch try await waitForGrant() {
        case .connection(let connection): return connection
        case .openNew: return try await open()
        }
    }

    /// Gives a connection back.
    /// - Parameters:
    ///   - connection: a connection from `acquire()`.
    ///   - reusable: `false` when it broke or was left mid-transaction; it is then dropped.
    func release(_ connection: Connection, reusable: Bool) {
        guard reusable, !isClosed, connection.isUsable else {
            openCount -= 1
            grantCapacityToNextWaiter()
            return
        }
        if let waiter = waiters.popFirst() {
            waiter.timer.cancel()
            waiter.continuation.resume(returning: .connection(connection))
        } else {
            idle.append(connection)
        }
    }

    /// Drops the idle connections and refuses new acquisitions; connections in use are dropped
    /// when they come back.
    func close() {
        isClosed = true
        openCount -= idle.count
        idle.removeAll()
        while let waiter = waiters.popFirst() {
            waiter.timer.cancel()
            waiter.continuation.resume(throwing: PoolUnavailableError(pool: name, reason: "closed"))
        }
    }

    /// How many connections are open, idle, and waited for, for metrics and tests.
    var statistics: (open: Int, idle: Int, waiting: Int) {
        (openCount, idle.count, waiters.count)
    }

    private func open() async throws -> Connection {
        do {
            return try await factory()
        } catch {
            openCount -= 1
            grantCapacityToNextWaiter()
            throw error
        }
    }

    /// A slot freed up: the first waiter in line may open a connection of its own.
    private func grantCapacityToNextWaiter() {
        guard openCount < maxConnections, let waiter = waiters.popFirst() else { return }
        openCount += 1
        waiter.timer.cancel()
        waiter.continuation.resume(returning: .openNew)
    }

    private func waitForGrant() async throws -> Grant {
        let id = nextWaiterID
        nextWaiterID += 1
        let timeout = acquireTimeout
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                // The timer is the one task a waiter starts; it is cancelled as soon as the
                // waiter is served, and it only ever resumes a waiter still in line.
                let timer = Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    guard !Task.isCancelled else { return }
                    await self?.expire(id, reason: "no connection free within \(timeout)")
                }
                waiters.append(Waiter(id: id, continuation: continuation, timer: timer))
            }
        } onCancel: {
            Task { await self.expire(id, reason: "cancelled") }
        }
    }

    private func expire(_ id: Int, reason: String) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        waiter.timer.cancel()
        waiter.continuation.resume(throwing: PoolUnavailableError(pool: name, reason: reason))
    }
}
