import Crypto
import Foundation
import Shared

/// enrollment-service's own settings.
struct EnrollmentSettings: Sendable {
    /// How long a paid enrollment holds its seat waiting for payment
    /// (`ENROLLMENT_PAYMENT_WINDOW_SECONDS`, default 1800).
    let paymentWindow: Duration
    /// How long a waitlist offer holds a seat (`WAITLIST_OFFER_SECONDS`, default 86400).
    let offerLifetime: Duration
    /// How often overdue payments, ended access and lapsed offers are expired
    /// (`ENROLLMENT_SWEEP_SECONDS`, default 5).
    let sweepInterval: Duration

    init(settings: Settings) throws {
        paymentWindow = .seconds(try settings.int("ENROLLMENT_PAYMENT_WINDOW_SECONDS", default: 1800, in: 1...30 * 86_400))
        offerLifetime = .seconds(try settings.int("WAITLIST_OFFER_SECONDS", default: 86_400, in: 1...30 * 86_400))
        sweepInterval = .seconds(try settings.int("ENROLLMENT_SWEEP_SECONDS", default: 5, in: 1...3_600))
    }
}

/// How certificates are signed and whom they name as issuer.
struct CertificateSettings: Sendable {
    /// Signs credentials (`CERTIFICATE_SIGNING_KEY`, base64url of a 32-byte P-256 private key; required).
    let signingKey: P256.Signing.PrivateKey
    /// Keys no longer signing but still published, so that certificates they signed keep
    /// verifying after a rotation (`CERTIFICATE_RETIRED_KEYS`, comma-separated base64url of
    /// 64-byte raw P-256 public keys).
    let retiredKeys: [P256.Signing.PublicKey]
    /// The platform's public address: the issuer's id, and where `/.well-known/certificate-keys.json`
    /// and `/certificates/{id}/verify` are found (`CERTIFICATE_ISSUER_URL`, default http://localhost:8080).
    let issuerURL: String
    /// The issuer's name on certificates (`CERTIFICATE_ISSUER_NAME`, default Azora).
    let issuerName: String

    init(settings: Settings) throws {
        let encoded = try settings.requiredString("CERTIFICATE_SIGNING_KEY", secret: true)
        guard let raw = Data(base64URLEncoded: encoded), raw.count == 32,
              let key = try? P256.Signing.PrivateKey(rawRepresentation: raw) else {
            throw SettingsError.malformed("CERTIFICATE_SIGNING_KEY", nil, expected: "base64url of a 32-byte P-256 private key")
        }
        signingKey = key
        retiredKeys = try settings.list("CERTIFICATE_RETIRED_KEYS", default: []).map { text in
            guard let raw = Data(base64URLEncoded: text), let key = try? P256.Signing.PublicKey(rawRepresentation: raw) else {
                throw SettingsError.malformed("CERTIFICATE_RETIRED_KEYS", text, expected: "base64url of 64-byte raw P-256 public keys")
            }
            return key
        }
        let url = try settings.url("CERTIFICATE_ISSUER_URL", default: "http://localhost:8080").absoluteString
        issuerURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        issuerName = settings.string("CERTIFICATE_ISSUER_NAME", default: "Azora")
    }
}
