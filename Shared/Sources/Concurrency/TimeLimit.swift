import NIOCore
import NIOPosix

/// Runs an operation, giving up after `limit`: the operation is cancelled (and with it any
/// request it is making) and `expired` is thrown.
///
/// For waits no library bounds: AsyncHTTPClient's deadline stops at the response head, so an
/// answer's body or a stream's next bytes need this; so does a test's read from a raw socket.
public func withTimeLimit<Value: Sendable>(
    _ limit: Duration, orThrow expired: any Error, _ operation: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    try await withThrowingTaskGroup(of: TimeLimitOutcome<Value>.self) { group in
        group.addTask { .finished(try await operation()) }
        group.addTask {
            try await sleepOnEventLoop(for: limit)
            return .expired
        }
        defer { group.cancelAll() }
        switch try await group.next() {
        case .finished(let value)?: return value
        case .expired?, nil: throw expired
        }
    }
}

/// `Task.sleep`, timed by an event loop (the current one when there is one): cancelling it
/// also removes its timer, where `Task.sleep`'s stays queued until its time comes, one for every
/// call a limit was set on and that finished in time.
private func sleepOnEventLoop(for duration: Duration) async throws {
    let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
    let woken = eventLoop.makePromise(of: Void.self)
    let timer = eventLoop.scheduleTask(in: TimeAmount(duration)) { woken.succeed() }
    try await withTaskCancellationHandler {
        try await woken.futureResult.get()
    } onCancel: {
        timer.cancel()
        woken.fail(CancellationError())
    }
}

private enum TimeLimitOutcome<Value: Sendable>: Sendable {
    case finished(Value)
    case expired
}
