import Hummingbird
import Logging

/// Reads the bearer token, when there is one, and makes its caller the context's principal; a
/// token that does not verify is refused with 401 at once. Requests without a token pass on
/// unauthenticated, for public routes; `RequireAuthenticationMiddleware` guards the others.
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let verifier: AccessTokenVerifier

    /// Creates the middleware.
    public init(verifier: AccessTokenVerifier) {
        self.verifier = verifier
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let header = request.headers[.authorization] else {
            return try await next(request, context)
        }
        guard let token = BearerToken.parse(header) else {
            throw Problem.unauthenticated("the Authorization header must be `Bearer <token>`")
        }
        var context = context
        let principal = try await verifier.verify(token)
        context.principal = principal
        context.logger[metadataKey: "principal"] = .string(principal.subject)
        return try await next(request, context)
    }
}

/// Refuses, with 401, requests that reached a protected route without a valid access token.
public struct RequireAuthenticationMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard context.principal != nil else { throw Problem.unauthenticated() }
        return try await next(request, context)
    }
}
