import W3CTraceContext

/// The identity of the request a task is serving: its id, its trace and the caller's token,
/// carried in a task-local so that calls to peers forward them without every function passing
/// them along.
public struct RequestTrace: Sendable {
    /// The request id (`X-Request-Id`).
    public var requestId: String
    /// This hop's trace context (`traceparent`).
    public var trace: TraceContext?
    /// The caller's bearer token, for peer calls made on the caller's behalf.
    public var bearerToken: String?

    /// Creates a trace.
    public init(requestId: String, trace: TraceContext?, bearerToken: String?) {
        self.requestId = requestId
        self.trace = trace
        self.bearerToken = bearerToken
    }

    /// The request the current task is serving, if any.
    @TaskLocal public static var current: RequestTrace?
}
