/// Runs an operation, giving up after `limit`: the operation is cancelled (which cancels the
/// HTTP request it is making) and `ProviderError.timeout` is thrown.
///
/// AsyncHTTPClient's own deadline stops at the response head; this also bounds reading the body,
/// and reading the next bytes of a stream.
func withTimeLimit<Value: Sendable>(
    _ limit: Duration, _ operation: @escaping @Sendable () async throws -> Value
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
        case .expired?, nil: throw ProviderError.timeout
        }
    }
}

private enum TimeLimitOutcome<Value: Sendable>: Sendable {
    case finished(Value)
    case expired
}
