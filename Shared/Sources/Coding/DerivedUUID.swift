import Crypto
import Foundation

/// UUID version 8 (RFC 9562) derived from another id and a label by SHA-256: the same inputs
/// always give the same id. For records that one client request creates several of (the two
/// legs of a currency conversion), so that repeating the request finds them again.
public enum DerivedUUID {
    public static func make(from base: UUID, _ label: String) -> UUID {
        var input = Data(base.lowercasedText.utf8)
        input.append(contentsOf: Array(":\(label)".utf8))
        var bytes = Array(SHA256.hash(data: input).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80  // version 8
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 9562 variant
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
