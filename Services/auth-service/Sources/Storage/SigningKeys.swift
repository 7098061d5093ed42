import Crypto
import Foundation
import JWTKit
import Logging
import Shared

/// The Ed25519 keys that sign access tokens, kept in the database so every replica signs with the
/// same key and a restart keeps them. A key older than the rotation period is replaced; a retired
/// key stays published until every token it signed has expired.
actor SigningKeys {
    private let database: Database
    private let encryptionKey: SymmetricKey
    private let rotation: TimeInterval
    private let tokenLifetime: TimeInterval
    private var current: (kid: String, key: Curve25519.Signing.PrivateKey, createdAt: Date, loadedAt: Date)?

    init(database: Database, encryptionKey: SymmetricKey, rotation: Int, tokenLifetime: Int) {
        self.database = database
        self.encryptionKey = encryptionKey
        self.rotation = TimeInterval(rotation)
        self.tokenLifetime = TimeInterval(tokenLifetime)
    }

    /// Signs claims with the current key.
    func sign(_ claims: AccessTokenClaims) async throws -> String {
        let (kid, key) = try await currentKey()
        let keys = JWTKeyCollection()
        await keys.add(eddsa: EdDSA.PrivateKey(backing: key), kid: JWKIdentifier(string: kid))
        return try await keys.sign(claims, kid: JWKIdentifier(string: kid))
    }

    /// The current key, reloaded every few seconds so a rotation by another replica is seen.
    private func currentKey() async throws -> (String, Curve25519.Signing.PrivateKey) {
        if let current, Date().timeIntervalSince(current.loadedAt) < 10, Date().timeIntervalSince(current.createdAt) < rotation {
            return (current.kid, current.key)
        }
        try await rotate(force: false)
        guard let row = try await database.queryFirst("""
            SELECT kid, sealed_private_key, created_at FROM signing_keys WHERE retired_at IS NULL
            ORDER BY created_at DESC LIMIT 1
            """) else { throw Sealing.SealingError() }
        let (kid, sealed, createdAt) = try row.decode(String.self, Data.self, Date.self)
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: Sealing.open(sealed, with: encryptionKey))
        current = (kid, key, createdAt, Date())
        return (kid, key)
    }

    /// Makes a new key when there is none, when the newest is older than the rotation period, or
    /// when forced; retires the others. Replicas take turns through a transaction-scoped lock.
    func rotate(force: Bool) async throws {
        try await Self.rotate(force: force, database: database, encryptionKey: encryptionKey, rotation: rotation, tokenLifetime: tokenLifetime)
        current = nil
    }

    /// The rotation itself, outside the actor: the transaction's closure must not be actor-isolated.
    private static func rotate(force: Bool, database: Database, encryptionKey: SymmetricKey, rotation: TimeInterval,
                               tokenLifetime: TimeInterval) async throws {
        try await database.transaction { transaction in
            try await transaction.lock("signing_keys")
            let newest = try await transaction.queryFirst(
                "SELECT created_at FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1")
            if !force, let createdAt = try newest?.decode(at: 0, as: Date.self), Date().timeIntervalSince(createdAt) < rotation {
                return
            }
            let key = Curve25519.Signing.PrivateKey()
            let kid = UUIDv7.make().lowercasedText
            try await transaction.execute("UPDATE signing_keys SET retired_at = now() WHERE retired_at IS NULL")
            try await transaction.execute("""
                INSERT INTO signing_keys (kid, sealed_private_key, public_key)
                VALUES (\(kid), \(try Sealing.seal(key.rawRepresentation, with: encryptionKey)), \(key.publicKey.rawRepresentation))
                """)
            // Keys whose tokens have all expired are of no use to anyone.
            try await transaction.execute("""
                DELETE FROM signing_keys WHERE retired_at < now() - make_interval(secs => \(tokenLifetime + 300))
                """)
        }
    }

    /// The public keys that may have signed a token still valid, as a JWKS document.
    func jwks() async throws -> JWKSDocument {
        _ = try await currentKey()
        let rows = try await database.query("""
            SELECT kid, public_key FROM signing_keys
            WHERE retired_at IS NULL OR retired_at > now() - make_interval(secs => \(tokenLifetime + AccessTokenClaims.clockSkewAllowance))
            ORDER BY created_at DESC
            """)
        return JWKSDocument(keys: try rows.map { row in
            let (kid, publicKey) = try row.decode(String.self, Data.self)
            return JWKSDocument.Key(kid: kid, x: publicKey.base64URLEncodedString())
        })
    }
}
