import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// Problems (any `ProblemError`) on the OpenAI routes also carry OpenAI's `error` member (`message`, `type`,
/// `param`, `code`), which the official SDKs read, beside the fleet's problem+json members.
struct OpenAIErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any ProblemError {
            // Budget refusals, Redis and pool errors are problems of their own types: all get the member.
            var problem = Problem(error.status, code: error.code, detail: error.detail, fieldErrors: error.fieldErrors,
                                  extensions: error.extensions)
            problem.extensions["error"] = [
                "message": .string(problem.detail), "type": .string(Self.type(of: problem.status)),
                "param": problem.fieldErrors.first.map { .string($0.field) } ?? .null, "code": .string(problem.code),
            ]
            throw problem
        }
    }

    /// OpenAI's error types by status.
    static func type(of status: HTTPResponse.Status) -> String {
        switch status.code {
        case 401: "authentication_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 429: "rate_limit_error"
        case 400..<500: "invalid_request_error"
        default: "api_error"
        }
    }
}
