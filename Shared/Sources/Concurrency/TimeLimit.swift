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
            try await Task.sleep(for: limit)
            return .expired
        }
        defer { group.cancelAll() }
        switch try await group.next() {
        case .finished(let value)?: return value
        case .expired?, nil: throw expired
        }
    }
}

private enum TimeLimitOutcome<Value: Sendable>: Sendable {
    case finished(Value)
    case expired
}
