/// Hexadecimal text written and read by hand (digests, UUIDs, `bytea`): `String(format: "%02x")`
/// per byte costs a formatted print each.
public enum HexDigits {
    /// `0`–`9`, `a`–`f`.
    static let lowercase = Array("0123456789abcdef".utf8)
    /// `0`–`9`, `A`–`F`.
    static let uppercase = Array("0123456789ABCDEF".utf8)

    /// The bytes as lower-case hex, two digits each: how digests and keys are written.
    public static func text(_ bytes: some Sequence<UInt8>) -> String {
        var digits: [UInt8] = []
        digits.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            digits.append(lowercase[Int(byte >> 4)])
            digits.append(lowercase[Int(byte & 0x0F)])
        }
        return String(decoding: digits, as: UTF8.self)
    }

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
