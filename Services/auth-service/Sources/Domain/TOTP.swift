import Crypto
import Foundation

/// RFC 6238 time-based one-time passwords: HMAC-SHA1, 30-second steps, 6 digits, as authenticator
/// apps compute them.
enum TOTP {
    static let period: TimeInterval = 30

    static func step(at date: Date) -> Int64 { Int64(date.timeIntervalSince1970 / period) }

    static func code(key: Data, step: Int64, digits: Int = 6) -> String {
        let counter = withUnsafeBytes(of: UInt64(step).bigEndian) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: counter, using: SymmetricKey(data: key)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let value = String(binary % UInt32(pow(10, Double(digits))))
        return String(repeating: "0", count: digits - value.count) + value
    }

    /// The time step the code belongs to, looking one step either side of now for clock drift.
    static func matchingStep(for code: String, key: Data, at date: Date = Date()) -> Int64? {
        guard code.count == 6, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber) else { return nil }
        let now = step(at: date)
        return [now, now - 1, now + 1].first { candidate in
            SecretToken.constantTimeEquals(Self.code(key: key, step: candidate), code)
        }
    }

    /// RFC 4648 base32 without padding, the form authenticator apps take secrets in.
    static func base32(_ data: Data) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var output = ""
        var buffer = 0
        var bits = 0
        for byte in data {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return output
    }

    /// The `otpauth://` URI an authenticator app scans.
    static func provisioningURI(secret: String, account: String, issuer: String = "Azora") -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~@"))
        let label = "\(issuer):\(account)".addingPercentEncoding(withAllowedCharacters: allowed) ?? account
        return "otpauth://totp/\(label)?secret=\(secret)&issuer=\(issuer)&algorithm=SHA1&digits=6&period=30"
    }
}
