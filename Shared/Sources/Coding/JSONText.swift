/// JSON text written by hand for the two hot paths that write JSON per event: `JSONValue`
/// parameters (event payloads into the outbox) and event envelopes onto the bus. The output
/// is what `JSONCoding.makeEncoder()` writes (sorted keys, unescaped slashes, whole numbers
/// without a fraction) at a fraction of its cost.
public enum JSONText {
    /// A JSON value as text.
    public static func write(_ value: JSONValue) -> String {
        var text = ""
        write(value, into: &text)
        return text
    }

    static func write(_ value: JSONValue, into text: inout String) {
        switch value {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .number(let number): text += self.number(number)
        case .string(let string): quote(string, into: &text)
        case .array(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                write(item, into: &text)
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { text += "," }
                quote(key, into: &text)
                text += ":"
                write(members[key]!, into: &text)
            }
            text += "}"
        }
    }

    /// Whole numbers as integers (ids and amounts stay integers), others in Swift's shortest
    /// round-tripping form; JSON has no infinities, so those become null.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value.rounded() == value, abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return "\(value)"
    }

    /// A string in double quotes, escaped as RFC 8259 requires.
    public static func quote(_ string: String, into text: inout String) {
        text += "\""
        // Most strings need no escaping at all; appending them whole is many times faster than
        // appending them scalar by scalar.
        guard string.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            text += string
            text += "\""
            return
        }
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
