import Crypto
import Foundation
import Shared

/// azora-pricing's own settings.
struct PricingSettings: Sendable {
    /// Signs quotes (`QUOTE_SIGNING_KEY`, base64url of a 32-byte Ed25519 private key; required).
    let signingKey: Curve25519.Signing.PrivateKey
    /// How long a quote stays valid (`QUOTE_LIFETIME_SECONDS`, default 900).
    let quoteLifetime: Duration
    /// The currency quoted when a product has no price in the one asked for nor in the
    /// region's fallback (`PRICING_FALLBACK_CURRENCY`, default USD).
    let fallbackCurrency: String

    init(settings: Settings) throws {
        let encoded = try settings.requiredString("QUOTE_SIGNING_KEY", secret: true)
        guard let raw = Data(base64URLEncoded: encoded), raw.count == 32,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw SettingsError.malformed("QUOTE_SIGNING_KEY", nil, expected: "base64url of a 32-byte Ed25519 private key")
        }
        signingKey = key
        quoteLifetime = .seconds(try settings.int("QUOTE_LIFETIME_SECONDS", default: 900, in: 10...86_400))
        fallbackCurrency = settings.string("PRICING_FALLBACK_CURRENCY", default: "USD")
        guard Currency(code: fallbackCurrency) != nil else {
            throw SettingsError.malformed("PRICING_FALLBACK_CURRENCY", fallbackCurrency, expected: "an ISO 4217 currency code")
        }
    }
}
