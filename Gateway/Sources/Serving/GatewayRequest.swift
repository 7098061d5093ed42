import NIOCore
import NIOHTTP1
import Shared
import W3CTraceContext

/// One request as the gateway knows it from its head: its ids and trace, its path, and what
/// admission found out (its route, its caller, its rate limit). Everything written about the
/// request, upstream, back to the client and to the logs, reads from here.
struct GatewayRequest: Sendable {
    let head: HTTPRequestHead
    /// The path, without the query.
    let path: String
    /// The path's segments, which every route table matches.
    let segments: [Substring]
    /// The caller's `X-Request-Id` when it sent a sane one, else a new one.
    let requestId: String
    /// This hop's trace: the caller's with a new span, or a new trace.
    let trace: TraceContext
    let traceparent: String
    let started: NIODeadline
    /// The request's origin, when CORS allows it.
    var corsOrigin: String?
    /// The route pattern that matched, for metrics and logs.
    var route = "-"
    var principal: Principal?
    /// The rate limit it was counted under, when its answer must say so.
    var rateLimit: RateLimitState?

    /// - Parameter random: where new ids come from.
    init(head: HTTPRequestHead, random: inout SplitMix) {
        self.head = head
        path = head.uri.firstIndex(of: "?").map { String(head.uri[..<$0]) } ?? head.uri
        segments = path.split(separator: "/")
        requestId = head.headers.first(name: "x-request-id").flatMap(TracingMiddleware.acceptableRequestId)
            ?? UUIDv7.make(using: &random).lowercasedText
        trace = TracingMiddleware.trace(continuing: head.headers.first(name: "traceparent"),
                                        state: head.headers.first(name: "tracestate"), using: &random)
        traceparent = trace.traceParentHeaderValue
        started = .now()
    }

    /// Whether a body follows the head.
    var hasBody: Bool {
        if let length = head.headers.first(name: "content-length") { return length != "0" }
        return head.headers.contains(name: "transfer-encoding")
    }

    /// Whether the body is chunked rather than of a declared length.
    var isChunked: Bool {
        !head.headers.contains(name: "content-length") && head.headers.contains(name: "transfer-encoding")
    }

    /// Whether the client waits for `100 Continue` before it sends the body (RFC 9110 §10.1.1).
    var expectsContinue: Bool {
        head.headers.first(name: "expect")?.lowercased() == "100-continue"
    }
}
