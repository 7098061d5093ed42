import Crypto
import Foundation
import Shared

/// A priced cart the platform promises to honour until `expiresAt`: payment-service charges
/// exactly its total, once.
struct Quote: Sendable, Equatable {
    enum Status: String, Codable, Sendable {
        /// Valid until it expires.
        case open
        /// Paid; its coupon uses are consumed.
        case redeemed
        /// A payment arrived for it but it could not be honoured (expired, or a coupon ran out).
        case refused

    }

    let id: UUID
    let buyerId: UUID
    let createdAt: Date
    let expiresAt: Date
    let priced: PricedCart
    let signature: QuoteSignature
    var status: Status
    var redeemedAt: Date?
    var paymentId: String?
    var refusal: String?

    func isExpired(at now: Date) -> Bool { now >= expiresAt }

    /// The text the signature covers, one field per line:
    ///
    /// ```
    /// azora-quote-v1
    /// <id>
    /// <buyerId>
    /// <currency>
    /// <total>
    /// <expiresAt, exactly as the quote's expiresAt field>
    /// <productRef> <quantity> <line total>     (one line per cart line, in order)
    /// ```
    ///
    /// UUIDs are written as the quote's JSON carries them (upper case). Anyone holding the public key from `GET /pricing/quote-keys`
    /// can rebuild this text from the quote's fields and check the signature.
    static func signedText(id: UUID, buyerId: UUID, priced: PricedCart, expiresAt: Date) -> String {
        var lines = ["azora-quote-v1", id.uuidString, buyerId.uuidString, priced.currency,
                     String(priced.total), Timestamp.format(expiresAt)]
        lines += priced.lines.map { "\($0.productRef) \($0.quantity) \($0.total)" }
        return lines.joined(separator: "\n")
    }
}

/// A detached Ed25519 signature over `Quote.signedText`.
struct QuoteSignature: Codable, Sendable, Equatable {
    var algorithm = "Ed25519"
    let keyId: String
    /// base64url, no padding.
    let value: String
}

/// Signs quotes with the service's Ed25519 key (`QUOTE_SIGNING_KEY`).
struct QuoteSigner: Sendable {
    let key: Curve25519.Signing.PrivateKey
    /// The first 16 hex digits of SHA-256 of the raw public key: stable for a key, different
    /// across keys. Worked out once: deriving the public key costs about as much as a signature.
    let keyId: String

    init(key: Curve25519.Signing.PrivateKey) {
        self.key = key
        keyId = HexDigits.text(SHA256.hash(data: key.publicKey.rawRepresentation).prefix(8))
    }

    func sign(_ text: String) throws -> QuoteSignature {
        QuoteSignature(keyId: keyId, value: try key.signature(for: Data(text.utf8)).base64URLEncodedString())
    }

    /// The public key as published at `GET /pricing/quote-keys`, in JWK form.
    var publicKey: PublicQuoteKey {
        PublicQuoteKey(kid: keyId, x: key.publicKey.rawRepresentation.base64URLEncodedString())
    }
}

/// One key of `GET /pricing/quote-keys` (an OKP JWK).
struct PublicQuoteKey: Codable, Sendable {
    var kty = "OKP"
    var crv = "Ed25519"
    var alg = "EdDSA"
    var use = "sig"
    let kid: String
    let x: String
}
