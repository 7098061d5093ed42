import CLibPQ
import Foundation

/// One libpq connection. Every method blocks, so callers run them on a thread pool, never on
/// an event loop; the pool hands a connection to one task at a time, which is why it may be
/// marked `@unchecked Sendable`.
final class PostgresConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    /// The statements prepared on this connection, by their text: the server parses and plans a
    /// statement once per connection instead of on every call (for a large query, planning
    /// costs more than running it).
    private var prepared: [String: String] = [:]
    /// The most statements kept prepared; past it they are all deallocated and prepared afresh.
    static let maxPreparedStatements = 200

    /// Opens a connection.
    /// - Parameter parameters: libpq connection keywords; `dbname` may be a `postgres://` URL, which
    ///   libpq expands, and later keywords override what the URL says.
    /// - Throws: `PostgresError` of kind `.connection` when the server cannot be reached or refuses us.
    init(parameters: [(String, String)]) throws {
        var keys = CValueArray(), values = CValueArray()
        for (key, value) in parameters {
            keys.append(key.utf8)
            values.append(value.utf8)
        }
        keys.appendNull()
        values.appendNull()
        let connection = keys.withPointers { keys in
            values.withPointers { values in PQconnectdbParams(keys, values, 1) }
        }
        guard let connection else {
            throw PostgresError(kind: .connection, message: "out of memory opening a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.errorMessage(connection)
            PQfinish(connection)
            throw PostgresError(kind: .connection, message: message)
        }
        // libpq prints server notices ("already exists, skipping") to stderr, outside the JSON
        // log; they are informational, so they are dropped.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        handle = connection
    }

    deinit {
        PQfinish(handle)
    }

    /// Whether the connection still works, as far as can be told without a round trip: reads
    /// whatever the server sent while the connection sat idle (a restart sends a notice and
    /// closes the socket) without blocking.
    var isUsable: Bool {
        guard PQstatus(handle) == CONNECTION_OK, PQtransactionStatus(handle) == PQTRANS_IDLE else { return false }
        guard PQconsumeInput(handle) == 1 else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Whether the connection is broken and must be thrown away.
    var isBroken: Bool { PQstatus(handle) != CONNECTION_OK }

    /// Runs one statement with its parameters sent separately (each in text or binary format),
    /// as a prepared statement of this connection. Results come back in text format.
    func execute(_ text: String, parameters: [PostgresParameter]) throws -> PostgresResult {
        let name = try preparedName(for: text, parameterCount: parameters.count)
        var values = CValueArray()
        var formats: [Int32] = []
        for parameter in parameters {
            switch parameter {
            case .text(nil): values.appendNull(); formats.append(0)
            case .text(let text?): values.append(text.utf8); formats.append(0)
            case .binary(let bytes): values.append(bytes); formats.append(1)
            }
        }
        // libpq reads a length for binary values only; text values end at their NUL.
        let lengths = values.lengths.map { Int32($0) }
        let result: OpaquePointer? = values.withPointers { values in
            PQexecPrepared(handle, name, Int32(parameters.count), values, lengths, formats, 0)
        }
        return try consume(result)
    }

    /// The name of the statement prepared for this text, preparing it first if need be.
    private func preparedName(for text: String, parameterCount: Int) throws -> String {
        if let name = prepared[text] { return name }
        if prepared.count >= Self.maxPreparedStatements {
            _ = try consume(PQexec(handle, "DEALLOCATE ALL"))
            prepared.removeAll()
        }
        let name = "azora_\(prepared.count)"
        _ = try consume(PQprepare(handle, name, text, Int32(parameterCount), nil))
        prepared[text] = name
        return name
    }

    /// Runs a script of one or more statements without parameters (migrations only).
    func executeScript(_ text: String) throws {
        _ = try consume(PQexec(handle, text))
    }

    private func consume(_ result: OpaquePointer?) throws -> PostgresResult {
        guard let result else {
            throw PostgresError(kind: .connection, message: Self.errorMessage(handle))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE:
            return PostgresResult(rows: rows(of: result), affectedRows: affectedRows(of: result))
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return PostgresResult(rows: [], affectedRows: affectedRows(of: result))
        default:
            throw error(from: result)
        }
    }

    private func rows(of result: OpaquePointer) -> [PostgresRow] {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let columns = PostgresColumns(names: (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) })
        var rows: [PostgresRow] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) == 1 {
                    values.append(nil)
                } else {
                    let length = Int(PQgetlength(result, row, column))
                    let bytes = UnsafeRawBufferPointer(start: PQgetvalue(result, row, column), count: length)
                    values.append(String(decoding: bytes, as: UTF8.self))
                }
            }
            rows.append(PostgresRow(columns: columns, values: values))
        }
        return rows
    }

    private func affectedRows(of result: OpaquePointer) -> Int {
        Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    private func error(from result: OpaquePointer) -> PostgresError {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        // PG_DIAG_* are C character constants, which Swift imports as Int32 macros only in part.
        let sqlState = field(Int32(UInt8(ascii: "C")))
        guard let sqlState else {
            return PostgresError(kind: .connection, message: Self.errorMessage(handle))
        }
        return PostgresError(
            kind: .server,
            sqlState: sqlState,
            message: field(Int32(UInt8(ascii: "M"))) ?? "unknown error",
            detail: field(Int32(UInt8(ascii: "D"))),
            constraint: field(Int32(UInt8(ascii: "n")))
        )
    }

    private static func errorMessage(_ connection: OpaquePointer) -> String {
        String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
