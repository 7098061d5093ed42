import HTTPTypes

/// A reply from Redis, typed.
public enum RedisReply: Sendable, Equatable {
    /// A simple status such as `OK`.
    case status(String)
    /// An error reply such as `NOSCRIPT No matching script`.
    case error(String)
    /// An integer.
    case integer(Int)
    /// A bulk string.
    case bulk(String)
    /// Nothing (a missing key, a `nil` bulk or array).
    case null
    /// An array of replies.
    case array([RedisReply])

    /// The text of a bulk string or status; `nil` otherwise.
    public var string: String? {
        switch self {
        case .bulk(let text), .status(let text): text
        default: nil
        }
    }

    /// The integer, or a bulk string that holds one; `nil` otherwise.
    public var int: Int? {
        switch self {
        case .integer(let value): value
        case .bulk(let text): Int(text)
        default: nil
        }
    }

    /// The elements of an array; `nil` otherwise (an empty array for `.null`).
    public var array: [RedisReply]? {
        switch self {
        case .array(let elements): elements
        case .null: []
        default: nil
        }
    }

    /// Whether this is the null reply.
    public var isNull: Bool { self == .null }
}

/// An error talking to Redis.
public struct RedisError: Error, CustomStringConvertible, Sendable {
    /// Where the error came from.
    public enum Kind: Sendable, Equatable {
        /// Redis could not be reached, or the connection broke or timed out.
        case connection
        /// Redis answered with an error reply.
        case server
    }

    /// Where the error came from.
    public let kind: Kind
    /// What Redis or hiredis said.
    public let message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "Redis \(kind == .server ? "error" : "connection error"): \(message)" }

    /// A new connection's `greeting` command was refused: the connection cannot be used.
    static func greetingRefused(_ command: [String], _ message: String) -> RedisError {
        RedisError(kind: .connection, message: "Redis refused \(command[0]): \(message)")
    }
}

extension RedisError: ProblemError {
    public var status: HTTPResponse.Status { .serviceUnavailable }
    public var code: String { "redis_unavailable" }
    public var detail: String { "a dependency is not answering; try again shortly" }
}
