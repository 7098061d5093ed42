import HTTPTypes

/// An error a client can act on: it is answered as an RFC 9457 problem document.
///
/// Services declare their domain errors as types conforming to this protocol; the
/// `ProblemMiddleware` turns any of them into `application/problem+json` with the status and
/// the machine-readable `code` they carry. Any other error becomes a plain 500.
///
/// ```swift
/// enum TransferError: ProblemError {
///     case exceedsCredits(account: UUID)
///     var status: HTTPResponse.Status { .conflict }
///     var code: String { "exceeds_credits" }
///     var detail: String { "the transfer would take the account past its credits" }
/// }
/// ```
public protocol ProblemError: Error {
    /// The HTTP status the error is answered with.
    var status: HTTPResponse.Status { get }
    /// A stable, machine-readable slug such as `exceeds_credits`; it also names the problem `type`.
    var code: String { get }
    /// A sentence for a human reader, specific to this occurrence.
    var detail: String { get }
    /// The fields at fault, for validation errors; empty otherwise.
    var fieldErrors: [FieldError] { get }
    /// Extra members to add to the problem document, such as a `retryAfter`.
    var extensions: [String: JSONValue] { get }
}

extension ProblemError {
    public var fieldErrors: [FieldError] { [] }
    public var extensions: [String: JSONValue] { [:] }
}

/// One field that failed validation, named by its JSON path (`items[2].amount`).
public struct FieldError: Codable, Sendable, Equatable {
    /// The JSON path of the field, or the name of the query parameter or header.
    public var field: String
    /// What is wrong with it, for a human reader.
    public var message: String

    /// Creates a field error.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
