/// Hexadecimal digits as UTF-8 bytes, for the text forms written by hand (UUIDs, `bytea`).
enum HexDigits {
    /// `0`–`9`, `a`–`f`.
    static let lowercase = Array("0123456789abcdef".utf8)

    /// The value of one hex digit in either case, or `nil` for any other byte.
    static func value(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
