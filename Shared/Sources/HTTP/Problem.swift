import HTTPTypes

/// A ready-made problem for the refusals every service shares: not found, forbidden,
/// conflicts, validation and unavailability.
///
/// Services with richer domain errors declare their own `ProblemError` types; this one is
/// for the common cases, so that their status codes and codes are the same across the fleet.
public struct Problem: ProblemError, CustomStringConvertible, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var detail: String
    public var fieldErrors: [FieldError]
    public var extensions: [String: JSONValue]

    /// Creates a problem.
    /// - Parameters:
    ///   - status: the HTTP status.
    ///   - code: the machine-readable slug.
    ///   - detail: a sentence for a human reader.
    ///   - fieldErrors: the fields at fault, if any.
    ///   - extensions: extra members of the problem document.
    public init(
        _ status: HTTPResponse.Status, code: String, detail: String,
        fieldErrors: [FieldError] = [], extensions: [String: JSONValue] = [:]
    ) {
        self.status = status
        self.code = code
        self.detail = detail
        self.fieldErrors = fieldErrors
        self.extensions = extensions
    }

    public var description: String { "\(status.code) \(code): \(detail)" }

    /// 404: the named resource does not exist (or the caller may not know that it does).
    public static func notFound(_ resource: String, id: some CustomStringConvertible) -> Problem {
        Problem(.notFound, code: "not_found", detail: "\(resource) \(id) was not found")
    }

    /// 401: the request carries no valid credentials.
    public static func unauthenticated(_ detail: String = "a valid access token is required") -> Problem {
        Problem(.unauthorized, code: "unauthenticated", detail: detail)
    }

    /// 403: the caller is known but may not do this.
    public static func forbidden(_ detail: String = "you may not do this") -> Problem {
        Problem(.forbidden, code: "forbidden", detail: detail)
    }

    /// 409: the request conflicts with the current state.
    public static func conflict(_ code: String, _ detail: String) -> Problem {
        Problem(.conflict, code: code, detail: detail)
    }

    /// 422: the request is well-formed but its fields are not acceptable.
    public static func invalid(_ errors: [FieldError]) -> Problem {
        let names = errors.map(\.field).joined(separator: ", ")
        return Problem(.unprocessableContent, code: "validation_failed",
                       detail: "invalid fields: \(names)", fieldErrors: errors)
    }

    /// 422: one field is not acceptable.
    public static func invalid(_ field: String, _ message: String) -> Problem {
        invalid([FieldError(field: field, message: message)])
    }

    /// 400: the request cannot be read at all (bad JSON, wrong types, bad query parameters).
    public static func malformed(_ detail: String, field: String? = nil) -> Problem {
        Problem(.badRequest, code: "malformed_request", detail: detail,
                fieldErrors: field.map { [FieldError(field: $0, message: detail)] } ?? [])
    }

    /// 503: a dependency is not answering; the client may retry later.
    public static func unavailable(_ code: String, _ detail: String, retryAfterSeconds: Int? = nil) -> Problem {
        Problem(.serviceUnavailable, code: code, detail: detail,
                extensions: retryAfterSeconds.map { ["retryAfter": .number(Double($0))] } ?? [:])
    }
}
