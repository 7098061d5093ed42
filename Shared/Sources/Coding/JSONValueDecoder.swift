import Foundation

/// Decodes a `Decodable` value from a `JSONValue` tree (as `JSONReader` reads one), with the
/// fleet's conventions (`JSONCoding`: RFC 3339 timestamps; base64 for `Data`) and the same
/// `DecodingError`s, coding paths included, that Foundation's `JSONDecoder` throws, so that
/// `WireJSONDecoder` names the field at fault either way.
///
/// Request bodies are decoded this way: reading the text once with `JSONReader` and decoding
/// from the tree costs less than `JSONDecoder`, and a free-form `JSONValue` member (metadata) is
/// taken as it is instead of being found by trying each kind in turn.
///
/// Where it differs from `JSONDecoder`, deliberately: an integer field given a fraction (`1.5`)
/// is a type mismatch at its own path (`JSONDecoder` throws an error with no path), and whole
/// numbers beyond ±2^53, which not every JSON client reads exactly, do not fit an integer field.
///
/// ```swift
/// let order = try JSONValueDecoder.decode(TransferOrder.self, from: try JSONReader.parse(text))
/// ```
public enum JSONValueDecoder {
    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try Unbox.value(value, as: T.self, path: [])
    }
}

/// The decoder handed to `init(from:)`: one value and where it is.
private struct TreeDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        switch value {
        case .object(let members): return KeyedDecodingContainer(KeyedTree<Key>(members: members, codingPath: codingPath))
        case .null: throw Unbox.null([String: Any].self, codingPath, "Cannot get keyed decoding container -- found null value instead")
        default: throw Unbox.mismatch([String: Any].self, value, codingPath)
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch value {
        case .array(let items): return UnkeyedTree(items: items, codingPath: codingPath)
        case .null: throw Unbox.null([Any].self, codingPath, "Cannot get unkeyed decoding container -- found null value instead")
        default: throw Unbox.mismatch([Any].self, value, codingPath)
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleTree(value: value, codingPath: codingPath)
    }
}

/// Turning one value into the type asked for; the path is only built when there is an error.
private enum Unbox {
    static func value<T: Decodable>(_ value: JSONValue, as type: T.Type, path: @autoclosure () -> [any CodingKey]) throws -> T {
        if T.self == JSONValue.self { return value as! T }
        if T.self == [String: JSONValue].self, case .object(let members) = value { return members as! T }
        if T.self == String.self { return try string(value, path()) as! T }
        if T.self == UUID.self { return try uuid(value, path()) as! T }
        if T.self == Date.self { return try date(value, path()) as! T }
        if T.self == Data.self { return try data(value, path()) as! T }
        if T.self == URL.self { return try url(value, path()) as! T }
        return try T(from: TreeDecoder(value: value, codingPath: path()))
    }

    static func string(_ value: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> String {
        guard case .string(let text) = value else { throw mismatch(String.self, value, path()) }
        return text
    }

    static func bool(_ value: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> Bool {
        guard case .bool(let flag) = value else { throw mismatch(Bool.self, value, path()) }
        return flag
    }

    static func double(_ value: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> Double {
        guard case .number(let number) = value else { throw mismatch(Double.self, value, path()) }
        return number
    }

    static func float(_ value: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> Float {
        let number = try double(value, path())
        guard Float(number).isFinite else { throw corrupted(path(), "Parsed JSON number <\(number)> does not fit in Float.") }
        return Float(number)
    }

    /// The largest whole number every JSON client reads exactly, 2^53 - 1.
    private static let exactLimit: Int64 = (1 << 53) - 1

    static func integer<I: FixedWidthInteger>(_ value: JSONValue, as type: I.Type, _ path: @autoclosure () -> [any CodingKey]) throws -> I {
        guard case .number(let number) = value else { throw mismatch(I.self, value, path()) }
        guard number.rounded(.towardZero) == number else {
            throw DecodingError.typeMismatch(I.self, .init(codingPath: path(), debugDescription: "not a whole number"))
        }
        guard abs(number) <= Double(exactLimit), let whole = I(exactly: number) else {
            let lowest = I.min == 0 ? "0" : I.bitWidth > 53 ? "-\(exactLimit)" : "\(I.min)"
            let highest = I.bitWidth > 53 ? "\(exactLimit)" : "\(I.max)"
            throw corrupted(path(), "must be a whole number from \(lowest) to \(highest)")
        }
        return whole
    }

    static func uuid(_ value: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> UUID {
        guard let id = UUID(text: try string(value, path())) else {
            throw corrupted(path(), "Attempted to decode UUID from invalid UUID string.")
        }
        return id
    }

    static func date(_ value: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> Date {
        guard let date = Timestamp.parse(try string(value, path())) else {
            throw corrupted(path(), "expected an RFC 3339 timestamp such as 2026-01-31T12:00:00Z")
        }
        return date
    }

    static func data(_ value: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> Data {
        guard let bytes = Data(base64Encoded: try string(value, path())) else {
            throw corrupted(path(), "Encountered Data is not valid Base64.")
        }
        return bytes
    }

    static func url(_ value: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> URL {
        guard let url = URL(string: try string(value, path())) else { throw corrupted(path(), "Invalid URL string.") }
        return url
    }

    static func mismatch(_ type: Any.Type, _ value: JSONValue, _ path: [any CodingKey]) -> DecodingError {
        if value == .null { return null(type, path, "Expected \(type) value but found null instead.") }
        return .typeMismatch(type, .init(codingPath: path, debugDescription: "Expected to decode \(type) but found \(kind(of: value)) instead."))
    }

    static func null(_ type: Any.Type, _ path: [any CodingKey], _ description: String) -> DecodingError {
        .valueNotFound(type, .init(codingPath: path, debugDescription: description))
    }

    static func corrupted(_ path: [any CodingKey], _ description: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: path, debugDescription: description))
    }

    private static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "a dictionary"
        }
    }
}

/// An array's position in a coding path.
private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }

    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct KeyedTree<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func member(_ key: Key) throws -> JSONValue {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value associated with key \(key.stringValue)."))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try member(key) == .null }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try Unbox.bool(member(key), codingPath + [key]) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try Unbox.string(member(key), codingPath + [key]) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try Unbox.double(member(key), codingPath + [key]) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try Unbox.float(member(key), codingPath + [key]) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(key) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try Unbox.value(member(key), as: T.self, path: codingPath + [key])
    }

    private func integer<I: FixedWidthInteger>(_ key: Key) throws -> I {
        try Unbox.integer(member(key), as: I.self, codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try TreeDecoder(value: member(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try TreeDecoder(value: member(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        TreeDecoder(value: members["super"] ?? .null, codingPath: codingPath)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        TreeDecoder(value: members[key.stringValue] ?? .null, codingPath: codingPath + [key])
    }
}

private struct UnkeyedTree: UnkeyedDecodingContainer {
    let items: [JSONValue]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(items: [JSONValue], codingPath: [any CodingKey]) {
        self.items = items
        self.codingPath = codingPath
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }
    private var path: [any CodingKey] { codingPath + [IndexKey(currentIndex)] }

    private func current(_ type: Any.Type) throws -> JSONValue {
        guard !isAtEnd else { throw Unbox.null(type, path, "Unkeyed container is at end.") }
        return items[currentIndex]
    }

    /// Decodes the current item and moves on only when that succeeded; `read` is given the
    /// item and a way to its path (built only when needed).
    private mutating func next<T>(_ type: T.Type, _ read: (JSONValue, () -> [any CodingKey]) throws -> T) throws -> T {
        let (codingPath, index) = (codingPath, currentIndex)
        let value = try read(try current(T.self), { codingPath + [IndexKey(index)] })
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard try current(Never.self) == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type) { try Unbox.bool($0, $1()) } }
    mutating func decode(_ type: String.Type) throws -> String { try next(type) { try Unbox.string($0, $1()) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next(type) { try Unbox.double($0, $1()) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try next(type) { try Unbox.float($0, $1()) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try integer() }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer() }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next(type) { try Unbox.value($0, as: T.self, path: $1()) }
    }

    private mutating func integer<I: FixedWidthInteger>() throws -> I {
        try next(I.self) { try Unbox.integer($0, as: I.self, $1()) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next(KeyedDecodingContainer<NestedKey>.self) { try TreeDecoder(value: $0, codingPath: $1()).container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next((any UnkeyedDecodingContainer).self) { try TreeDecoder(value: $0, codingPath: $1()).unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder {
        try next((any Decoder).self) { TreeDecoder(value: $0, codingPath: $1()) }
    }
}

private struct SingleTree: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { value == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try Unbox.bool(value, codingPath) }
    func decode(_ type: String.Type) throws -> String { try Unbox.string(value, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try Unbox.double(value, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try Unbox.float(value, codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try Unbox.integer(value, as: type, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try Unbox.integer(value, as: type, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try Unbox.integer(value, as: type, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try Unbox.integer(value, as: type, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try Unbox.integer(value, as: type, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try Unbox.integer(value, as: type, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try Unbox.integer(value, as: type, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try Unbox.integer(value, as: type, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try Unbox.integer(value, as: type, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try Unbox.integer(value, as: type, codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try Unbox.value(value, as: T.self, path: codingPath) }
}
