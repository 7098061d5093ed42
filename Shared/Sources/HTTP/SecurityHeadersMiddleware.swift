import HTTPTypes
import Hummingbird

/// Adds `SecurityHeaders` to every response, keeping any its route set itself.
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
        for field in SecurityHeaders.fields(strictTransportSecurity: strictTransportSecurity) where headers[field.name] == nil {
            headers[field.name] = field.value
        }
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let crossOriginResourcePolicy = HTTPField.Name("Cross-Origin-Resource-Policy")!
}
