import Crypto
import Foundation

/// RFC 6238 one-time codes, as an authenticator app computes them, for tests that sign in with MFA.
public enum TOTP {
    /// The 6-digit code for a base32 secret at a moment (30-second steps, HMAC-SHA1).
    public static func code(secret: String, at date: Date = Date(), digits: Int = 6) -> String {
        code(key: base32Decode(secret), step: UInt64(date.timeIntervalSince1970) / 30, digits: digits)
    }

    /// The code of one time step, for a raw key.
    public static func code(key: [UInt8], step: UInt64, digits: Int = 6) -> String {
        let counter = withUnsafeBytes(of: step.bigEndian) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: counter, using: SymmetricKey(data: key)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    /// RFC 4648 base32, ignoring padding, spaces and case.
    public static func base32Decode(_ text: String) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bits = 0
        var value = 0
        var bytes: [UInt8] = []
        for character in text.uppercased() where character != "=" && character != " " {
            guard let index = alphabet.firstIndex(of: character) else { continue }
            value = (value << 5) | index
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((value >> (bits - 8)) & 0xff))
                bits -= 8
            }
        }
        return bytes
    }
}
