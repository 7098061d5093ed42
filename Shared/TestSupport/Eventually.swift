/// A test harness's own failure: a setup step answered unexpectedly, or a condition did not come true.
public struct HarnessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Waits for something that happens asynchronously (an event handled, a file removed), checking
/// every 50 ms for up to `limit`. The default is generous because it costs nothing when the
/// condition comes true early, and a whole suite on a busy two-core machine is slow.
/// - Throws: `HarnessError` when the condition is still false at the end.
public func eventually(within limit: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    if try await condition() { return }
    throw HarnessError("the condition did not come true within \(limit)")
}
