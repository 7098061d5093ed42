import Foundation

/// Base64url without padding (RFC 4648 §5), as JWTs, JWKs and page cursors write bytes.
extension Data {
    /// Decodes base64url text, with or without padding.
    public init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }

    /// The bytes as base64url text without padding.
    public func base64URLEncodedString() -> String {
        // A map over the bytes: three `replacingOccurrences` passes cost a signed quote more than its signature.
        var url: [UInt8] = []
        url.reserveCapacity(count * 4 / 3 + 3)
        for byte in base64EncodedData() {
            switch byte {
            case UInt8(ascii: "+"): url.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): url.append(UInt8(ascii: "_"))
            case UInt8(ascii: "="): continue
            default: url.append(byte)
            }
        }
        return String(decoding: url, as: UTF8.self)
    }
}
