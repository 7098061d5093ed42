import Crypto
import Foundation
import Shared

/// Random bearer secrets (refresh tokens, email tokens, MFA challenges, recovery codes). Only their
/// SHA-256 hashes are stored, so a copy of the database signs nobody in.
enum SecretToken {
    /// `bytes` random bytes, base64url.
    static func make(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64URLEncodedString()
    }

    /// The stored form of a token.
    static func hash(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }

    /// Whether two secrets are equal, in time that does not depend on where they differ.
    static func constantTimeEquals(_ left: String, _ right: String) -> Bool {
        SHA256.hash(data: Data(left.utf8)) == SHA256.hash(data: Data(right.utf8))
    }
}
