import Foundation
import Hummingbird
import Shared

/// Refuses every caller but administrators with 403 (401 without a token).
struct AdministratorsOnlyMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard principal.isAdmin else { throw Problem.forbidden("managing the AI orchestrator is for administrators") }
        return try await next(request, context)
    }
}
