import Crypto
import Foundation
import Shared

/// auth-service's own settings.
struct AuthSettings: Sendable {
    /// Lifetime of access tokens (`ACCESS_TOKEN_TTL`, seconds, default 900).
    let accessTokenLifetime: Int
    /// Lifetime of a login's refresh tokens (`REFRESH_TOKEN_TTL`, seconds, default 30 days).
    let refreshTokenLifetime: Int
    /// Age at which a new signing key replaces the current one (`SIGNING_KEY_ROTATION`, seconds, default 7 days).
    let signingKeyRotation: Int
    /// Seals signing keys and MFA secrets at rest (`KEY_ENCRYPTION_KEY`, base64url of 32 bytes; required).
    let keyEncryptionKey: SymmetricKey
    /// The `iss` of the tokens (`TOKEN_ISSUER`).
    let issuer: String
    /// Consecutive failures that lock an account (`LOCKOUT_THRESHOLD`, default 10) and for how long
    /// (`LOCKOUT_SECONDS`, default 900). With these defaults an account sees at most 40 failures an hour.
    let lockoutThreshold: Int
    let lockoutSeconds: Int
    /// Failed logins one client address may make in an hour (`IP_FAILURE_LIMIT`, default 100).
    let ipFailureLimit: Int
    /// Whether failures slow down the answer progressively (`LOGIN_DELAYS`, default true).
    let loginDelays: Bool
    /// Where links in emails point (`PUBLIC_APP_URL`).
    let publicAppURL: String
    /// The first admin (`ADMIN_EMAIL`, `ADMIN_PASSWORD`), created at start when missing.
    let adminEmail: String?
    let adminPassword: String?
    /// Service clients and their secrets (`SERVICE_CLIENT_SECRETS`, `name:secret,name:secret`).
    let serviceClients: [String: String]
    /// The OAuth providers that have a client id.
    let oauthProviders: [String: OAuthProvider]

    init(settings: Settings) throws {
        accessTokenLifetime = try settings.int("ACCESS_TOKEN_TTL", default: 900, in: 10...86_400)
        refreshTokenLifetime = try settings.int("REFRESH_TOKEN_TTL", default: 30 * 86_400, in: 60...(365 * 86_400))
        signingKeyRotation = try settings.int("SIGNING_KEY_ROTATION", default: 7 * 86_400, in: 60...(365 * 86_400))
        let kek = try settings.requiredString("KEY_ENCRYPTION_KEY", secret: true)
        guard let bytes = Data(base64URLEncoded: kek), bytes.count == 32 else {
            throw SettingsError.malformed("KEY_ENCRYPTION_KEY", nil, expected: "base64url of 32 random bytes")
        }
        keyEncryptionKey = SymmetricKey(data: bytes)
        issuer = settings.string("TOKEN_ISSUER", default: TokenIssuer.default)
        lockoutThreshold = try settings.int("LOCKOUT_THRESHOLD", default: 10, in: 1...100)
        lockoutSeconds = try settings.int("LOCKOUT_SECONDS", default: 900, in: 1...86_400)
        ipFailureLimit = try settings.int("IP_FAILURE_LIMIT", default: 100, in: 1...1_000_000)
        loginDelays = try settings.bool("LOGIN_DELAYS", default: true)
        publicAppURL = settings.string("PUBLIC_APP_URL", default: "http://localhost:3000")
        adminEmail = settings.raw("ADMIN_EMAIL")
        adminPassword = settings.raw("ADMIN_PASSWORD", secret: true)
        var clients: [String: String] = [:]
        for entry in settings.list("SERVICE_CLIENT_SECRETS", default: []) {
            let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, Fleet.member(named: parts[0]) != nil, parts[1].count >= 16 else {
                throw SettingsError.malformed("SERVICE_CLIENT_SECRETS", nil, expected: "name:secret pairs, fleet names, secrets of 16+ characters")
            }
            clients[parts[0]] = parts[1]
        }
        serviceClients = clients
        oauthProviders = try OAuthProvider.configured(settings: settings)
    }
}
