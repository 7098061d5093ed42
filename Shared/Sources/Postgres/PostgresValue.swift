import Foundation

/// A Swift value that can be sent as a query parameter, in PostgreSQL's text format.
///
/// Parameters go to the server separately from the SQL text (`PQexecParams`), so no value is
/// ever spliced into a statement. The server infers each parameter's type from where it is
/// used; cast in SQL (`$1::uuid[]`) where it cannot.
public protocol PostgresEncodable: Sendable {
    /// The value in PostgreSQL's text input format, or `nil` for SQL NULL.
    var postgresText: String? { get }
}

/// A Swift value that can be read from a result column in PostgreSQL's text output format.
public protocol PostgresDecodable: Sendable {
    /// Reads the value from its text form.
    /// - Parameter text: the column's text, or `nil` when it is SQL NULL.
    /// - Throws: a message when the text is not a value of this type (or is NULL for a non-optional).
    static func decode(postgresText text: String?) throws(PostgresValueError) -> Self
}

/// Why a column's text could not be read as a Swift value.
public struct PostgresValueError: Error, Sendable {
    /// What was wrong.
    public let reason: String
    /// Creates the error.
    public init(_ reason: String) { self.reason = reason }
    static let unexpectedNull = PostgresValueError("unexpected NULL")
}

/// A type read from a single non-NULL text value.
public protocol PostgresTextDecodable: PostgresDecodable {
    /// Reads the value from non-NULL text; `nil` when the text is not a value of this type.
    init?(postgresNonNullText text: String)
}

/// A string enum reads itself from its raw value.
extension PostgresTextDecodable where Self: RawRepresentable, RawValue == String {
    public init?(postgresNonNullText text: String) { self.init(rawValue: text) }
}

extension PostgresTextDecodable {
    public static func decode(postgresText text: String?) throws(PostgresValueError) -> Self {
        guard let text else { throw .unexpectedNull }
        guard let value = Self(postgresNonNullText: text) else {
            throw PostgresValueError("\(text.prefix(40)) is not a \(Self.self)")
        }
        return value
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresText: String? { self?.postgresText }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(postgresText text: String?) throws(PostgresValueError) -> Self {
        guard let text else { return nil }
        return try Wrapped.decode(postgresText: text)
    }
}

extension String: PostgresEncodable, PostgresTextDecodable {
    public var postgresText: String? { self }
    public init?(postgresNonNullText text: String) { self = text }
}

extension Int: PostgresEncodable, PostgresTextDecodable {
    public var postgresText: String? { String(self) }
    public init?(postgresNonNullText text: String) { self.init(text) }
}

extension Int64: PostgresEncodable, PostgresTextDecodable {
    public var postgresText: String? { String(self) }
    public init?(postgresNonNullText text: String) { self.init(text) }
}

/// 128-bit integers, for sums of `bigint` columns: PostgreSQL's `sum(bigint)` is a `numeric`
/// that can pass Int64 (read it without a `::bigint` cast, which would fail past 2^63 − 1).
extension Int128: PostgresEncodable, PostgresTextDecodable {
    public var postgresText: String? { String(self) }
    public init?(postgresNonNullText text: String) { self.init(text) }
}

extension Int32: PostgresEncodable, PostgresTextDecodable {
    public var postgresText: String? { String(self) }
    public init?(postgresNonNullText text: String) { self.init(text) }
}

extension Int16: PostgresEncodable, PostgresTextDecodable {
    public var postgresText: String? { String(self) }
    public init?(postgresNonNullText text: String) { self.init(text) }
}

extension Double: PostgresEncodable, PostgresTextDecodable {
    public var postgresText: String? { String(self) }
    public init?(postgresNonNullText text: String) { self.init(text) }
}

extension Bool: PostgresEncodable, PostgresTextDecodable {
    public var postgresText: String? { self ? "true" : "false" }
    public init?(postgresNonNullText text: String) {
        switch text {
        case "t", "true": self = true
        case "f", "false": self = false
        default: return nil
        }
    }
}

extension UUID: PostgresEncodable, PostgresTextDecodable {
    public var postgresText: String? { lowercasedText }
    public init?(postgresNonNullText text: String) { self.init(text: text) }
}

extension Date: PostgresEncodable, PostgresTextDecodable {
    public var postgresText: String? { Timestamp.format(self) }
    public init?(postgresNonNullText text: String) {
        guard let date = Timestamp.parse(text) else { return nil }
        self = date
    }
}

extension Decimal: PostgresEncodable, PostgresTextDecodable {
    public var postgresText: String? { description }
    public init?(postgresNonNullText text: String) { self.init(string: text, locale: Locale(identifier: "en_US_POSIX")) }
}

/// Binary data, sent and read as `bytea` in its hex form (`\x0a1b…`).
extension Data: PostgresEncodable, PostgresTextDecodable {
    public var postgresText: String? {
        "\\x" + HexDigits.text(self)
    }
    public init?(postgresNonNullText text: String) {
        guard text.hasPrefix("\\x") else { return nil }
        var bytes = Data(capacity: (text.utf8.count - 2) / 2)
        var high: UInt8?
        for character in text.utf8.dropFirst(2) {
            guard let nibble = HexDigits.value(character) else { return nil }
            if let first = high {
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        guard high == nil else { return nil }
        self = bytes
    }
}

/// A value stored as `json` or `jsonb`, encoded and decoded with the fleet's JSON conventions.
///
/// ```swift
/// try await db.execute("INSERT INTO events (data) VALUES (\(JSONB(payload)))")
/// let payload = try row.decode("data", as: JSONB<Payload>.self).value
/// ```
public struct JSONB<Value: Codable & Sendable>: PostgresEncodable, PostgresDecodable, Sendable {
    /// The wrapped value.
    public var value: Value

    /// Wraps a value.
    public init(_ value: Value) { self.value = value }

    public var postgresText: String? {
        // Encoding a Codable value we built ourselves only fails for non-finite floats; fail loudly.
        String(decoding: try! JSONCoding.makeEncoder().encode(value), as: UTF8.self)
    }

    /// Read by `JSONReader` and decoded from its tree (`JSONValueDecoder`), as request bodies
    /// are: `JSONDecoder` cost the ledger 3% of its CPU for accounts' metadata alone.
    public static func decode(postgresText text: String?) throws(PostgresValueError) -> Self {
        guard let text else { throw .unexpectedNull }
        do {
            return JSONB(try JSONValueDecoder.decode(Value.self, from: JSONReader.parse(text)))
        } catch {
            throw PostgresValueError("JSON does not match \(Value.self): \(error)")
        }
    }
}

extension JSONValue: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { JSONText.write(self) }
    public static func decode(postgresText text: String?) throws(PostgresValueError) -> JSONValue {
        guard text != nil else { return .null }
        return try JSONB<JSONValue>.decode(postgresText: text).value
    }
}
