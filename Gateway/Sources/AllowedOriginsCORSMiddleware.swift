import Hummingbird
import Shared

/// CORS for the configured origins only: a request from an allowed origin (or any, with `*`)
/// gets Hummingbird's CORS handling with its origin echoed; others get no CORS headers, so
/// browsers keep them out.
struct AllowedOriginsCORSMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let allowedOrigins: Set<String>
    let cors = CORSMiddleware<AppRequestContext>(
        allowOrigin: .originBased,
        allowHeaders: [.accept, .contentType, .authorization, .idempotencyKey, .requestId, .traceparent],
        allowMethods: [.get, .head, .post, .put, .patch, .delete, .options],
        allowCredentials: false,
        exposedHeaders: ["X-Request-Id", "Retry-After", "Location", "RateLimit", "RateLimit-Policy"],
        maxAge: .seconds(600))

    init(allowedOrigins: [String]) {
        self.allowedOrigins = Set(allowedOrigins)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let origin = request.headers[.origin], allowedOrigins.contains("*") || allowedOrigins.contains(origin) else {
            return try await next(request, context)
        }
        return try await cors.handle(request, context: context, next: next)
    }
}
