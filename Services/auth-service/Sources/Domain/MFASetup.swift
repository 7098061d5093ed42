import Foundation

/// A second factor being set up: the TOTP secret for an authenticator app, as text and as an
/// `otpauth://` URI, and the single-use recovery codes, shown this once.
struct MFASetup: Encodable, Sendable {
    let secret: String
    let otpauthUri: String
    let recoveryCodes: [String]

    /// A new TOTP key (20 random bytes, as RFC 4226 recommends) and ten recovery codes.
    static func makeSecrets() -> (key: Data, recoveryCodes: [String]) {
        var generator = SystemRandomNumberGenerator()
        let key = Data((0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) })
        return (key, (0..<10).map { _ in recoveryCode(using: &generator) })
    }

    /// Ten characters from an alphabet without look-alikes, grouped `xxxxx-xxxxx`.
    private static func recoveryCode(using generator: inout SystemRandomNumberGenerator) -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        let characters = (0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return String(characters[0..<5]) + "-" + String(characters[5..<10])
    }
}
