import Foundation
import Hummingbird
import Logging

/// Answers every error as an RFC 9457 problem document.
///
/// A `ProblemError` keeps its status and code; Hummingbird's own `HTTPError`s (404 for an unknown
/// route, 405, 413) keep their status; a database that is overloaded or away (a statement
/// timeout, a lost connection) is a 503 to retry, like an exhausted pool. Anything else is a bug: it is logged with the request id
/// and answered with a bare 500 that says nothing about SQL, stacks or paths.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            return Self.response(for: error, request: request, logger: context.logger)
        }
    }

    /// The problem response for an error.
    public static func response(for error: any Error, request: Request, logger: Logger) -> Response {
        let document: ProblemDocument
        switch error {
        case let problem as any ProblemError:
            document = ProblemDocument(problem, instance: request.uri.path)
            if problem.status.code >= 500 {
                logger.warning("request failed", metadata: ["error": "\(error)", "status": "\(problem.status.code)"])
            }
        case let httpError as HTTPError:
            document = ProblemDocument(
                status: httpError.status, code: Self.code(for: httpError.status),
                detail: httpError.body ?? httpError.status.reasonPhrase, instance: request.uri.path)
        case let decodingError as DecodingError:
            document = ProblemDocument(WireJSONDecoder.problem(for: decodingError), instance: request.uri.path)
        case let database as PostgresError where database.isTransient:
            logger.warning("request failed: the database did not answer in time", metadata: ["error": "\(database)", "status": "503"])
            document = ProblemDocument(
                Problem.unavailable("postgres_unavailable", "the service is busy; try again shortly", retryAfterSeconds: 1),
                instance: request.uri.path)
        default:
            logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            document = ProblemDocument(
                status: .internalServerError, code: "internal_error",
                detail: "something went wrong on our side; the request id identifies it in our logs",
                instance: request.uri.path)
        }
        return document.response()
    }

    private static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .contentTooLarge: "body_too_large"
        case .unauthorized: "unauthenticated"
        case .forbidden: "forbidden"
        case .badRequest: "malformed_request"
        default: status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
        }
    }
}

/// The JSON body of a problem response.
public struct ProblemDocument: Codable, Sendable {
    /// A URI naming the kind of problem; its last segment is `code`.
    public var type: String
    /// The status's reason phrase.
    public var title: String
    /// The HTTP status code.
    public var status: Int
    /// What went wrong this time.
    public var detail: String
    /// The machine-readable slug.
    public var code: String
    /// The request path.
    public var instance: String?
    /// The fields at fault, for validation problems.
    public var errors: [FieldError]?
    /// Extra members.
    public var extensions: [String: JSONValue]

    init(status: HTTPResponse.Status, code: String, detail: String, instance: String?,
         errors: [FieldError] = [], extensions: [String: JSONValue] = [:]) {
        self.type = "https://docs.azora.dev/problems/\(code)"
        self.title = status.reasonPhrase
        self.status = status.code
        self.detail = detail
        self.code = code
        self.instance = instance
        self.errors = errors.isEmpty ? nil : errors
        self.extensions = extensions
    }

    /// The document for a problem that happened at `instance` (the request path).
    public init(_ problem: any ProblemError, instance: String?) {
        self.init(status: problem.status, code: problem.code, detail: problem.detail, instance: instance,
                  errors: problem.fieldErrors, extensions: problem.extensions)
    }

    private enum CodingKeys: String, CodingKey {
        case type, title, status, detail, code, instance, errors
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        title = try container.decode(String.self, forKey: .title)
        status = try container.decode(Int.self, forKey: .status)
        detail = try container.decode(String.self, forKey: .detail)
        code = try container.decode(String.self, forKey: .code)
        instance = try container.decodeIfPresent(String.self, forKey: .instance)
        errors = try container.decodeIfPresent([FieldError].self, forKey: .errors)
        let all = try decoder.singleValueContainer().decode([String: JSONValue].self)
        extensions = all.filter { CodingKeys(stringValue: $0.key) == nil }
    }

    /// Extension members sit beside the standard ones, as RFC 9457 §3.2 asks.
    public func encode(to encoder: any Encoder) throws {
        var members: [String: JSONValue] = extensions
        members["type"] = .string(type)
        members["title"] = .string(title)
        members["status"] = .number(Double(status))
        members["detail"] = .string(detail)
        members["code"] = .string(code)
        if let instance { members["instance"] = .string(instance) }
        if let errors {
            members["errors"] = .array(errors.map { ["field": .string($0.field), "message": .string($0.message)] })
        }
        var container = encoder.singleValueContainer()
        try container.encode(members)
    }

    /// The response carrying this document, with `Retry-After` when it says when to retry, and
    /// the `WWW-Authenticate` challenge of RFC 6750 on a 401.
    public func response() -> Response {
        let (headers, body) = encoded()
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: body))
    }

    /// The header fields and body of `response()`, for a server that writes responses itself
    /// (the gateway's relay).
    public func encoded() -> (headers: HTTPFields, body: ByteBuffer) {
        let data = (try? JSONCoding.makeEncoder().encode(self)) ?? Data()
        var headers: HTTPFields = [.contentType: "application/problem+json", .contentLength: String(data.count)]
        if case .number(let seconds) = extensions["retryAfter"] {
            headers[.retryAfter] = String(Int(seconds.rounded(.up)))
        }
        if status == 401 {
            headers[.wwwAuthenticate] = #"Bearer realm="azora""#
        }
        return (headers, ByteBuffer(bytes: data))
    }
}
