/// One row of a query result, with its values in text form, decoded on demand.
public struct PostgresRow: Sendable {
    let columns: PostgresColumns
    let values: [String?]

    /// The number of columns.
    public var count: Int { values.count }

    /// Decodes the named column.
    ///
    /// ```swift
    /// let id: UUID = try row.decode("id")
    /// let closedAt = try row.decode("closed_at", as: Date?.self)
    /// ```
    /// - Throws: `PostgresDecodingError` when the column is missing or its value is not a `T`.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let index = columns.index(of: column) else {
            throw PostgresDecodingError(column: column, type: "\(T.self)", reason: "no such column in the result")
        }
        return try decode(at: index, as: T.self)
    }

    /// Decodes the column at a position (0-based).
    public func decode<T: PostgresDecodable>(at index: Int, as type: T.Type = T.self) throws -> T {
        guard values.indices.contains(index) else {
            throw PostgresDecodingError(column: "#\(index)", type: "\(T.self)", reason: "no such column in the result")
        }
        do {
            return try T.decode(postgresText: values[index])
        } catch {
            throw PostgresDecodingError(column: columns.names[index], type: "\(T.self)", reason: error.reason)
        }
    }

    /// Decodes the leading columns as a tuple, in order.
    ///
    /// ```swift
    /// let (id, amount) = try row.decode(UUID.self, Int64.self)
    /// ```
    public func decode<each T: PostgresDecodable>(_ types: repeat (each T).Type) throws -> (repeat each T) {
        var index = 0
        func next<V: PostgresDecodable>(_ type: V.Type) throws -> V {
            defer { index += 1 }
            return try decode(at: index, as: V.self)
        }
        return (repeat try next(each types))
    }

    /// The raw text of the named column (`nil` for NULL or a missing column).
    public subscript(column: String) -> String? {
        columns.index(of: column).flatMap { values[$0] }
    }
}

/// The column names of a result, shared by its rows.
final class PostgresColumns: Sendable {
    let names: [String]
    private let positions: [String: Int]

    init(names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (index, name) in names.enumerated() where positions[name] == nil {
            positions[name] = index
        }
        self.positions = positions
    }

    func index(of name: String) -> Int? { positions[name] }
}

/// What a statement returned: its rows, and how many rows it changed.
public struct PostgresResult: Sendable {
    /// The rows, for statements that return them.
    public let rows: [PostgresRow]
    /// The number of rows inserted, updated or deleted (0 for other statements).
    public let affectedRows: Int
}
