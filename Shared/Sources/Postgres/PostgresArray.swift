/// One-dimensional arrays, in PostgreSQL's text array format: `{1,2,3}`, `{"a b","c\"d",NULL}`.
///
/// Send them where the server can infer the element type, or cast: `id = ANY(\(ids)::uuid[])`.
extension Array: PostgresEncodable where Element: PostgresEncodable {
    /// Written into one buffer: the ledger sends arrays of ids and amounts with every group
    /// commit, and quoting each element into a string of its own, then joining them, was 5% of
    /// its CPU.
    public var postgresText: String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * 40 + 2)
        bytes.append(UInt8(ascii: "{"))
        for (index, element) in enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            if let text = element.postgresText {
                PostgresArrayLiteral.appendQuoted(text, to: &bytes)
            } else {
                bytes.append(contentsOf: "NULL".utf8)
            }
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    public static func decode(postgresText text: String?) throws(PostgresValueError) -> [Element] {
        guard let text else { throw .unexpectedNull }
        guard let items = PostgresArrayLiteral.split(text) else {
            throw PostgresValueError("\(text.prefix(40)) is not a one-dimensional array")
        }
        var elements: [Element] = []
        elements.reserveCapacity(items.count)
        for item in items {
            elements.append(try Element.decode(postgresText: item))
        }
        return elements
    }
}

/// Reading and writing the text form of one-dimensional arrays.
enum PostgresArrayLiteral {
    /// Appends an element quoted so that any text survives: always in double quotes, with `"`
    /// and `\` escaped by a backslash.
    /// Works on UTF-8 bytes: arrays of thousands of JSON documents go through here.
    static func appendQuoted(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
            bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Splits `{a,"b c",NULL}` into its elements (`nil` for an unquoted NULL).
    /// - Returns: the elements, or `nil` when the text is not a one-dimensional array literal.
    static func split(_ text: String) -> [String?]? {
        var characters = Substring(text)
        // A lower bound other than 1 is written as a prefix: `[0:2]={1,2,3}`.
        if characters.first == "[", let equals = characters.firstIndex(of: "=") {
            characters = characters[characters.index(after: equals)...]
        }
        guard characters.first == "{", characters.last == "}" else { return nil }
        let body = characters.dropFirst().dropLast()
        if body.isEmpty { return [] }

        var elements: [String?] = []
        var current = ""
        var inQuotes = false
        var wasQuoted = false
        var escaped = false
        for character in body {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                inQuotes.toggle()
                wasQuoted = true
            } else if character == "{" && !inQuotes {
                return nil  // nested arrays are not supported
            } else if character == "," && !inQuotes {
                elements.append(wasQuoted || current != "NULL" ? current : nil)
                current = ""
                wasQuoted = false
            } else {
                current.append(character)
            }
        }
        guard !inQuotes, !escaped else { return nil }
        elements.append(wasQuoted || current != "NULL" ? current : nil)
        return elements
    }
}
