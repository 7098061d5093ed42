import NIOHTTP1

/// CORS for the configured origins only. A request from an allowed origin (or any, with `*`) has
/// its origin echoed: a preflight (`OPTIONS`) is answered by the gateway itself with what may
/// be sent, and every other answer says what the page may read. Requests from other origins get
/// no CORS headers at all, so browsers keep the answers from their pages.
struct CORSPolicy: Sendable {
    let allowedOrigins: Set<String>

    static let allowedHeaders = "accept, content-type, authorization, idempotency-key, x-request-id, traceparent"
    static let allowedMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
    static let exposedHeaders = "X-Request-Id, Retry-After, Location, RateLimit, RateLimit-Policy"
    /// How long a browser may keep a preflight's answer, in seconds.
    static let maxAge = "600"

    init(allowedOrigins: [String]) {
        self.allowedOrigins = Set(allowedOrigins)
    }

    /// The request's origin when CORS allows it, else `nil`.
    func allowedOrigin(of headers: HTTPHeaders) -> String? {
        guard let origin = headers.first(name: "origin"), origin != "null",
            allowedOrigins.contains("*") || allowedOrigins.contains(origin)
        else { return nil }
        return origin
    }

    /// The answer to a preflight from an allowed origin.
    func preflight(origin: String) -> Answer {
        var headers = HTTPHeaders()
        headers.add(name: "Access-Control-Allow-Headers", value: Self.allowedHeaders)
        headers.add(name: "Access-Control-Allow-Methods", value: Self.allowedMethods)
        headers.add(name: "Access-Control-Max-Age", value: Self.maxAge)
        addResponseFields(to: &headers, origin: origin)
        return Answer(status: .noContent, headers: headers)
    }

    /// What every answer to an allowed origin carries.
    func addResponseFields(to headers: inout HTTPHeaders, origin: String) {
        headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: origin)
        headers.replaceOrAdd(name: "Access-Control-Expose-Headers", value: Self.exposedHeaders)
        headers.add(name: "Vary", value: "Origin")
    }
}
