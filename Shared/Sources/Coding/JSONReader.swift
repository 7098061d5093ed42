/// JSON text read by hand into a `JSONValue`, strictly as RFC 8259 says, for the paths that read
/// JSON of unknown shape per request or per event (the AI orchestrator reads every upstream
/// answer and every streamed chunk). `JSONValue`'s `Decodable` conformance finds each value's
/// kind by trying them in turn, which costs a thrown error per miss; this reads each byte once.
///
/// ```swift
/// let chunk = try JSONReader.parse(#"{"choices":[{"delta":{"content":"Hi"}}]}"#)
/// ```
public enum JSONReader {
    /// Nesting deeper than this is refused rather than risking the stack.
    public static let maxDepth = 512

    /// Reads a whole JSON text; anything but whitespace after the value is an error.
    /// - Throws: `JSONReaderError` with the byte offset of the fault.
    public static func parse(_ text: String) throws -> JSONValue {
        var text = text
        return try text.withUTF8 { try parse(UnsafeRawBufferPointer($0)) }
    }

    /// Reads a whole JSON text from UTF-8 bytes.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> JSONValue {
        var reader = Reader(bytes: bytes)
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.offset == bytes.count else { throw reader.error("unexpected text after the value") }
        return value
    }
}

/// JSON that is not well formed, and where.
public struct JSONReaderError: Error, CustomStringConvertible, Equatable {
    /// The offset of the offending byte.
    public let offset: Int
    public let message: String

    public var description: String { "invalid JSON at byte \(offset): \(message)" }
}

private struct Reader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    func error(_ message: String) -> JSONReaderError {
        JSONReaderError(offset: offset, message: message)
    }

    var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { offset += 1 }
    }

    mutating func value(depth: Int) throws -> JSONValue {
        guard depth < JSONReader.maxDepth else { throw error("nested deeper than \(JSONReader.maxDepth) levels") }
        guard let byte = current else { throw error("the text ends where a value should be") }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("a value cannot start here")
        }
    }

    /// An object. Its members are gathered first and hashed into a dictionary of the right size
    /// once, instead of the dictionary growing (and rehashing) member by member.
    mutating func object(depth: Int) throws -> JSONValue {
        offset += 1
        var pairs: [(name: String, value: JSONValue)] = []
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            offset += 1
            return .object([:])
        }
        while true {
            guard current == UInt8(ascii: "\"") else { throw error("a member name must be a string") }
            let name = try string()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("a member name must be followed by ':'") }
            offset += 1
            skipWhitespace()
            pairs.append((name, try value(depth: depth + 1)))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): offset += 1; skipWhitespace()
            case UInt8(ascii: "}"):
                offset += 1
                var members = [String: JSONValue](minimumCapacity: pairs.count)
                // A repeated name keeps its last value.
                for pair in pairs { members[pair.name] = pair.value }
                return .object(members)
            default: throw error("expected ',' or '}' in an object")
            }
        }
    }

    mutating func array(depth: Int) throws -> JSONValue {
        offset += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            offset += 1
            return .array(items)
        }
        while true {
            items.append(try value(depth: depth + 1))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): offset += 1; skipWhitespace()
            case UInt8(ascii: "]"): offset += 1; return .array(items)
            default: throw error("expected ',' or ']' in an array")
            }
        }
    }

    mutating func literal(_ word: String) throws {
        for expected in word.utf8 {
            guard current == expected else { throw error("expected \(word)") }
            offset += 1
        }
    }

    /// A string; the common case without escapes is validated straight from the input, with no
    /// copy in between (a member name short enough for a small string allocates nothing).
    mutating func string() throws -> String {
        offset += 1
        let start = offset
        while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw error("a control character must be escaped in a string") }
            offset += 1
        }
        guard let stop = current else { throw error("the string is not closed") }
        let plain = UnsafeRawBufferPointer(rebasing: bytes[start..<offset])
        let text: String?
        if stop == UInt8(ascii: "\\") {
            var utf8 = Array(plain)
            try unescape(into: &utf8)
            text = String(validating: utf8, as: UTF8.self)
        } else {
            text = plain.withMemoryRebound(to: UInt8.self) { String(validating: $0, as: UTF8.self) }
        }
        offset += 1
        guard let text else { throw JSONReaderError(offset: start, message: "the string is not valid UTF-8") }
        return text
    }

    /// The rest of a string that has escapes, up to its closing quote (left current).
    mutating func unescape(into utf8: inout [UInt8]) throws {
        while let byte = current, byte != UInt8(ascii: "\"") {
            guard byte >= 0x20 else { throw error("a control character must be escaped in a string") }
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                offset += 1
                continue
            }
            offset += 1
            guard let escaped = current else { break }
            offset += 1
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"): utf8.append(contentsOf: String(try unicodeScalar()).utf8)
            default:
                offset -= 1
                throw error("unknown escape")
            }
        }
        guard current != nil else { throw error("the string is not closed") }
    }

    /// The scalar of a `\u` escape (after the `u`), joining a surrogate pair.
    mutating func unicodeScalar() throws -> Unicode.Scalar {
        let first = try hexQuad()
        if (0xD800..<0xDC00).contains(first) {
            guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                throw error("a high surrogate must be followed by a low one")
            }
            offset += 2
            let second = try hexQuad()
            guard (0xDC00..<0xE000).contains(second) else { throw error("a high surrogate must be followed by a low one") }
            return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(first) else { throw error("a lone low surrogate") }
        return scalar
    }

    mutating func hexQuad() throws -> UInt32 {
        guard offset + 4 <= bytes.count else { throw error("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("a \\u escape needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }

    /// A number as RFC 8259 writes it: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    mutating func number() throws -> Double {
        let start = offset
        if current == UInt8(ascii: "-") { offset += 1 }
        if current == UInt8(ascii: "0") {
            offset += 1
        } else {
            guard digits() else { throw error("a number needs digits") }
        }
        if current == UInt8(ascii: ".") {
            offset += 1
            guard digits() else { throw error("a fraction needs digits") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            offset += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { offset += 1 }
            guard digits() else { throw error("an exponent needs digits") }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
        guard let number = Double(text), number.isFinite else {
            throw JSONReaderError(offset: start, message: "the number is out of range")
        }
        return number
    }

    /// Skips a run of digits; whether there was one.
    mutating func digits() -> Bool {
        let start = offset
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { offset += 1 }
        return offset > start
    }
}
