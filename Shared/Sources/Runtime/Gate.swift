import ServiceLifecycle
import Synchronization

/// A one-way gate: tasks wait at it until it opens, and pass at once after that. A process's
/// start-up holds its background services at one (the outbox relay, event consumers, senders)
/// until the migrations and other start-up work are done, so none of them meets a schema half
/// made; tests hold a fake's answer at one until they are ready.
public final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    public init() {}

    /// Opens the gate, letting every waiter through; opening it again does nothing.
    public func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the gate is open.
    public func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}

/// A service that starts once the gate opens.
struct GatedService: Service {
    let base: any Service
    let gate: Gate

    func run() async throws {
        // Shut down before start-up finished: there is nothing to stop.
        await withGracefulShutdownHandler {
            await gate.wait()
        } onGracefulShutdown: {
            gate.open()
        }
        guard !Task.isShuttingDownGracefully else { return }
        try await base.run()
    }
}
