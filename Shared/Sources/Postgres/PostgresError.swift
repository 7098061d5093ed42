/// An error from PostgreSQL or from talking to it.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// Where the error came from.
    public enum Kind: Sendable, Equatable {
        /// The server refused the statement; `sqlState` says why.
        case server
        /// The connection could not be made or was lost.
        case connection
    }

    /// Where the error came from.
    public let kind: Kind
    /// The five-character SQLSTATE code, for server errors (`23505` is a unique violation).
    public let sqlState: String?
    /// The server's primary message.
    public let message: String
    /// The server's detail line, if any.
    public let detail: String?
    /// The constraint that was violated, if any.
    public let constraint: String?

    init(kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil, constraint: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.constraint = constraint
    }

    public var description: String {
        var text = "PostgreSQL \(kind == .server ? "error \(sqlState ?? "?")" : "connection error"): \(message)"
        if let detail { text += " (\(detail))" }
        return text
    }

    /// A unique or primary-key constraint was violated (23505).
    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// A foreign-key constraint was violated (23503).
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    /// A check constraint was violated (23514).
    public var isCheckViolation: Bool { sqlState == "23514" }
    /// The statement ran past `statement_timeout` or was cancelled (57014).
    public var isQueryCanceled: Bool { sqlState == "57014" }
    /// A serializable transaction could not be serialized (40001) or hit a deadlock (40P01):
    /// running the whole transaction again is the documented remedy.
    public var isRetryableTransactionFailure: Bool { sqlState == "40001" || sqlState == "40P01" }
    /// The server is shutting down or restarting (57P01, 57P02, 57P03), or the connection failed.
    public var isConnectionFailure: Bool {
        kind == .connection || sqlState.map { $0.hasPrefix("08") || $0.hasPrefix("57P") } ?? false
    }
    /// The database is overloaded or away rather than the statement wrong: a timeout, a lock
    /// not granted in time (55P03), too many connections (53300), or a connection failure.
    /// Answered with a 503 that asks the client to try again.
    public var isTransient: Bool {
        isQueryCanceled || isConnectionFailure || sqlState == "55P03" || sqlState == "53300"
    }
}

/// A value in a result could not be decoded as the type asked for: a mismatch between the
/// SQL and the Swift code, so a bug, answered with a 500.
public struct PostgresDecodingError: Error, CustomStringConvertible, Sendable {
    /// The column that was being decoded.
    public let column: String
    /// The Swift type asked for.
    public let type: String
    /// Why it failed.
    public let reason: String

    public var description: String { "cannot decode column \(column) as \(type): \(reason)" }
}
