import Hummingbird
import Logging
import Shared

/// Lets a request through to a service only with a valid access token, unless its route is
/// public. The principal it verifies keys the rate limits; the token itself is forwarded
/// unchanged, since each service verifies it again and decides authorisation itself.
struct AccessTokenGate: RouterMiddleware {
    typealias Context = AppRequestContext
    let publicRoutes: PublicRoutes
    let verifier: AccessTokenVerifier

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if publicRoutes.contains(method: request.method, path: request.uri.path) {
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization] else {
            throw Problem.unauthenticated("this route needs an access token: `Authorization: Bearer <token>`")
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
