import Foundation
import HTTPTypes
import Hummingbird
import Logging
import W3CTraceContext

/// Gives every request an id and a W3C trace context, accepted from the caller when well-formed
/// or created, returns both in the response, puts them in every log line of the request, and
/// makes them the task's `RequestTrace` so that peer calls forward them.
public struct TracingMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var context = context
        let requestId = request.headers[.requestId].flatMap(Self.acceptableRequestId) ?? UUIDv7.make().lowercasedText
        let trace = Self.trace(continuing: request.headers[.traceparent], state: request.headers[.tracestate])
        context.requestId = requestId
        context.trace = trace
        context.logger[metadataKey: "requestId"] = .string(requestId)
        context.logger[metadataKey: "traceId"] = .string(trace.traceID.description)
        context.logger[metadataKey: "spanId"] = .string(trace.spanID.description)
        let bearer = request.headers[.authorization].flatMap(BearerToken.parse)

        let current = RequestTrace(requestId: requestId, trace: trace, bearerToken: bearer)
        var response = try await RequestTrace.$current.withValue(current) {
            try await next(request, context)
        }
        response.headers[.requestId] = requestId
        response.headers[.traceparent] = trace.traceParentHeaderValue
        return response
    }

    /// A caller's request id is kept when it is short printable ASCII, so it can't forge log lines.
    /// - Returns: the id, or `nil` when it must be replaced.
    public static func acceptableRequestId(_ value: String) -> String? {
        guard (1...128).contains(value.utf8.count),
            value.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E })
        else { return nil }
        return value
    }

    /// The caller's trace with a new span for this hop, or a new sampled trace.
    public static func trace(continuing traceparent: String?, state: String?) -> TraceContext {
        var generator = SystemRandomNumberGenerator()
        return trace(continuing: traceparent, state: state, using: &generator)
    }

    /// The caller's trace with a new span for this hop, or a new sampled trace, its random ids
    /// drawn from `generator`.
    public static func trace(continuing traceparent: String?, state: String?, using generator: inout some RandomNumberGenerator)
        -> TraceContext
    {
        if let traceparent, let parent = try? TraceContext(traceParentHeaderValue: traceparent, traceStateHeaderValue: state) {
            return TraceContext(traceID: parent.traceID, spanID: .random(using: &generator), flags: parent.flags, state: parent.state)
        }
        return TraceContext(traceID: .random(using: &generator), spanID: .random(using: &generator), flags: .sampled, state: TraceState())
    }
}

extension HTTPField.Name {
    /// `X-Request-Id`.
    public static let requestId = HTTPField.Name("X-Request-Id")!
    /// `Idempotency-Key`.
    public static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}

/// Reading `Authorization: Bearer <token>`.
public enum BearerToken {
    /// The token of a `Bearer` authorization header value, or `nil`.
    public static func parse(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        // Trimmed by hand: Foundation's trimmingCharacters costs more than the rest of a cheap request.
        var token = parts[1].drop { $0 == " " || $0 == "\t" }
        while let last = token.last, last == " " || last == "\t" { token = token.dropLast() }
        return token.isEmpty ? nil : String(token)
    }
}
