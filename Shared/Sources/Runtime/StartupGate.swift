import ServiceLifecycle
import Synchronization

/// Holds back a process's background services (the outbox relay, event consumers, senders) until
/// its start-up work, the migrations first, is done, so none of them meets a schema half made.
final class StartupGate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
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
    let gate: StartupGate

    func run() async throws {
        // Shut down before start-up finished: there is nothing to stop.
        try await withGracefulShutdownHandler {
            await gate.wait()
        } onGracefulShutdown: {
            gate.open()
        }
        guard !Task.isShuttingDownGracefully else { return }
        try await base.run()
    }
}
