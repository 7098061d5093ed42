import Crypto
import Foundation
import JWTKit
import Shared

/// Signs certificates' credentials with ES256 and checks credentials presented for verification
/// against every published key, current and retired.
///
/// ES256 because every JWT library verifies it and its keys fit in one environment variable; the
/// key id is the key's RFC 7638 thumbprint, so it names the key without a registry.
struct CredentialSigner: Sendable {
    /// The current key's id.
    let keyId: String
    private let keys: JWTKeyCollection
    /// The key set published at `/.well-known/certificate-keys.json`.
    let keySet: JWKSDocument

    struct JWKSDocument: Codable, Sendable, Equatable {
        struct Key: Codable, Sendable, Equatable {
            let kty: String
            let crv: String
            let x: String
            let y: String
            let alg: String
            let use: String
            let kid: String
        }
        let keys: [Key]
    }

    init(settings: CertificateSettings) async throws {
        let current = settings.signingKey.publicKey
        keyId = Self.thumbprint(current)
        keys = JWTKeyCollection()
        await keys.add(ecdsa: try ES256PrivateKey(backing: settings.signingKey), kid: JWKIdentifier(string: keyId))
        for retired in settings.retiredKeys {
            await keys.add(ecdsa: try ES256PublicKey(backing: retired), kid: JWKIdentifier(string: Self.thumbprint(retired)))
        }
        keySet = JWKSDocument(keys: ([current] + settings.retiredKeys).map(Self.jwk))
    }

    /// The credential as a compact JWS.
    func sign(_ credential: OpenBadgeCredential) async throws -> String {
        var header = JWTHeader()
        header.typ = "JWT"
        return try await keys.sign(credential, kid: JWKIdentifier(string: keyId), header: header)
    }

    /// The credential inside a compact JWS, when its signature checks against a published key.
    func verify(_ token: String) async throws -> OpenBadgeCredential {
        try await keys.verify(token, as: OpenBadgeCredential.self)
    }

    private static func coordinates(_ key: P256.Signing.PublicKey) -> (x: String, y: String) {
        let raw = key.rawRepresentation
        return (raw.prefix(32).base64URLEncodedString(), raw.suffix(32).base64URLEncodedString())
    }

    private static func jwk(_ key: P256.Signing.PublicKey) -> JWKSDocument.Key {
        let (x, y) = coordinates(key)
        return JWKSDocument.Key(kty: "EC", crv: "P-256", x: x, y: y, alg: "ES256", use: "sig", kid: thumbprint(key))
    }

    /// RFC 7638: SHA-256 over the required members in lexicographic order, without spaces.
    static func thumbprint(_ key: P256.Signing.PublicKey) -> String {
        let (x, y) = coordinates(key)
        let canonical = #"{"crv":"P-256","kty":"EC","x":"\#(x)","y":"\#(y)"}"#
        return Data(SHA256.hash(data: Data(canonical.utf8))).base64URLEncodedString()
    }
}
