import Foundation

/// A value sent to the server, as `SQL` collects it: text (or NULL), or bytes in PostgreSQL's
/// binary format.
public enum PostgresParameter: Sendable, Equatable {
    /// The text input format; `nil` is SQL NULL.
    case text(String?)
    /// The type's binary format (`typsend`/`typreceive`).
    case binary([UInt8])
}

/// An element of an array parameter sent in PostgreSQL's binary format: 16 bytes for a UUID,
/// 8 for a bigint, a string's bytes as they are, nothing to quote on our side and nothing to
/// parse on the server's. A batch of transfers sends ten such arrays of thousands of elements;
/// in text form, writing them was a quarter of the ledger's CPU and reading them back
/// (`array_in`, `uuid_in`, `strtoull`) a tenth of PostgreSQL's.
///
/// The server must expect the element's own type, so cast the parameter to it
/// (`\(ids)::uuid[]`, `\(amounts)::bigint[]`, `\(names)::text[]`) or compare it with a column
/// of that type: a binary array of `int8` where the server infers `integer[]` is refused with
/// "wrong element type". Strings are `text`; for another type made from text, cast on
/// (`\(documents)::text[]::jsonb[]`).
public protocol PostgresBinaryArrayElement: PostgresEncodable {
    /// The element type's OID: `uuid` 2950, `int8` 20, `text` 25.
    static var postgresTypeOID: UInt32 { get }
    /// Whether this element is SQL NULL.
    var isPostgresNull: Bool { get }
    /// Appends the element's binary form: its length in bytes as a big-endian 32-bit integer,
    /// then the bytes, or a length of -1 alone for NULL.
    func appendPostgresBinary(to bytes: inout [UInt8])
}

// Inlinable, so that an array of one concrete type is written by code specialised for it: a
// batch of transfers writes more than 100,000 elements.

extension UUID: PostgresBinaryArrayElement {
    public static var postgresTypeOID: UInt32 { 2950 }
    public var isPostgresNull: Bool { false }
    @inlinable public func appendPostgresBinary(to bytes: inout [UInt8]) {
        bytes.appendBigEndian(Int32(16))
        Swift.withUnsafeBytes(of: uuid) { bytes.append(contentsOf: $0) }
    }
}

extension Int64: PostgresBinaryArrayElement {
    public static var postgresTypeOID: UInt32 { 20 }
    public var isPostgresNull: Bool { false }
    @inlinable public func appendPostgresBinary(to bytes: inout [UInt8]) {
        bytes.appendBigEndian(Int32(8))
        bytes.appendBigEndian(self)
    }
}

extension String: PostgresBinaryArrayElement {
    public static var postgresTypeOID: UInt32 { 25 }  // text
    public var isPostgresNull: Bool { false }
    /// Its UTF-8 bytes: no quoting or escaping, where the text array format quotes any element
    /// holding a quote, brace, comma, backslash or space (every JSON document, for one).
    @inlinable public func appendPostgresBinary(to bytes: inout [UInt8]) {
        bytes.appendBigEndian(Int32(utf8.count))
        bytes.append(contentsOf: utf8)
    }
}

extension Optional: PostgresBinaryArrayElement where Wrapped: PostgresBinaryArrayElement {
    public static var postgresTypeOID: UInt32 { Wrapped.postgresTypeOID }
    @inlinable public var isPostgresNull: Bool { self?.isPostgresNull ?? true }
    @inlinable public func appendPostgresBinary(to bytes: inout [UInt8]) {
        if let self { self.appendPostgresBinary(to: &bytes) } else { bytes.appendBigEndian(Int32(-1)) }
    }
}

extension Array where Element: PostgresBinaryArrayElement {
    /// The array in PostgreSQL's binary array format (`array_recv`): the number of dimensions
    /// (0 when empty, else 1), whether any element is NULL, the element type's OID, the
    /// dimension's length and lower bound (1), then each element.
    @inlinable public var postgresBinary: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20 + count * 20)
        bytes.appendBigEndian(Int32(isEmpty ? 0 : 1))
        let nullFlagAt = bytes.count
        bytes.appendBigEndian(Int32(0))
        bytes.appendBigEndian(Element.postgresTypeOID)
        guard !isEmpty else { return bytes }
        bytes.appendBigEndian(Int32(count))
        bytes.appendBigEndian(Int32(1))
        var hasNull = false
        for element in self {
            hasNull = hasNull || element.isPostgresNull
            element.appendPostgresBinary(to: &bytes)
        }
        if hasNull { bytes[nullFlagAt + 3] = 1 }
        return bytes
    }
}

extension [UInt8] {
    @inlinable mutating func appendBigEndian(_ value: some FixedWidthInteger) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}
