import Crypto
import Foundation
import JWTKit
import Shared

/// An Ed25519 key that signs access tokens the way auth-service does, and publishes itself as a
/// JWKS, for tests of everything that verifies tokens.
public struct TestSigningKey: Sendable {
    /// The key id in tokens and the key set.
    public let kid: String
    private let privateKey: Curve25519.Signing.PrivateKey

    /// A new random key.
    public init(kid: String = TestNames.unique("key")) {
        self.kid = kid
        privateKey = Curve25519.Signing.PrivateKey()
    }

    /// This key's public half as a JWK.
    public var jwk: [String: String] {
        ["kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": kid,
         "x": privateKey.publicKey.rawRepresentation.base64URLEncodedString()]
    }

    /// A key set holding the given keys, as `/.well-known/jwks.json` serves it.
    public static func jwks(_ keys: [TestSigningKey]) -> String {
        let data = try! JSONSerialization.data(withJSONObject: ["keys": keys.map(\.jwk)], options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// Signs claims.
    public func sign(_ claims: AccessTokenClaims) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(eddsa: EdDSA.PrivateKey(backing: privateKey), kid: JWKIdentifier(string: kid))
        return try await keys.sign(claims, kid: JWKIdentifier(string: kid))
    }

    /// An access token for a subject.
    /// - Parameters:
    ///   - subject: a user's UUID, or `service:<name>`.
    ///   - roles: the roles granted.
    ///   - expiresIn: seconds from now; negative for a token that has already expired.
    ///   - issuer: the `iss` claim.
    public func token(
        subject: String = UUID().lowercasedText, roles: [String] = ["student"], organization: String? = nil,
        expiresIn: TimeInterval = 300, issuer: String = TokenIssuer.default
    ) async throws -> String {
        let now = Date()
        return try await sign(AccessTokenClaims(
            subject: subject, roles: roles, organization: organization, issuedAt: now,
            expiresAt: now.addingTimeInterval(expiresIn), issuer: issuer))
    }
}
