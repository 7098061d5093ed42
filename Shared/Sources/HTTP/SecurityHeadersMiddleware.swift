import HTTPTypes
import Hummingbird

/// Adds the response headers an API should always send (OWASP's secure headers for APIs):
/// no sniffing, no framing, no referrer, no caching of private data unless a route says
/// otherwise, and a locked-down content security policy.
public struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Whether to send `Strict-Transport-Security` (behind TLS termination in production).
    let strictTransportSecurity: Bool

    /// Creates the middleware.
    public init(strictTransportSecurity: Bool = false) {
        self.strictTransportSecurity = strictTransportSecurity
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        Self.apply(to: &response.headers, strictTransportSecurity: strictTransportSecurity)
        return response
    }

    /// Sets the headers on a response's fields, keeping any a route chose itself.
    public static func apply(to headers: inout HTTPFields, strictTransportSecurity: Bool) {
        func setIfAbsent(_ name: HTTPField.Name, _ value: String) {
            if headers[name] == nil { headers[name] = value }
        }
        setIfAbsent(.xContentTypeOptions, "nosniff")
        setIfAbsent(.xFrameOptions, "DENY")
        setIfAbsent(.referrerPolicy, "no-referrer")
        setIfAbsent(.contentSecurityPolicy, "default-src 'none'; frame-ancestors 'none'")
        setIfAbsent(.cacheControl, "no-store")
        setIfAbsent(.crossOriginResourcePolicy, "same-origin")
        if strictTransportSecurity {
            setIfAbsent(.strictTransportSecurity, "max-age=31536000; includeSubDomains")
        }
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let crossOriginResourcePolicy = HTTPField.Name("Cross-Origin-Resource-Policy")!
}
