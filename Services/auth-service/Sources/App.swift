import Configuration
import Foundation
import Hummingbird
import Mail
import PasswordHashing
import Shared

/// Builds auth-service: accounts and credentials, sessions and tokens, MFA, OAuth sign-in, the
/// signing keys and their JWKS, and the first admin.
public func buildApplication(reader: ConfigReader) async throws -> some ApplicationProtocol {
    let runtime = try ServiceRuntime(name: "auth-service", reader: reader)
    let settings = try AuthSettings(settings: runtime.settings)
    let database = try runtime.database(migrations: Migration.fromFiles(prefix: "auth", EmbeddedFiles.migrationFiles))
    let redis = try runtime.redis()
    let outbox = try runtime.outbox()

    let wakeup = WakeupSignal()
    let mail = MailQueue(wakeup: wakeup)

    let hasher = PasswordHasher()
    let keys = SigningKeys(database: database, encryptionKey: settings.keyEncryptionKey,
                           rotation: settings.signingKeyRotation, tokenLifetime: settings.accessTokenLifetime)
    let sessions = Sessions(database: database, settings: settings, keys: keys, outbox: outbox)
    let accounts = AccountStore(database: database, outbox: outbox, mail: mail, sessions: sessions, appURL: settings.publicAppURL)
    _ = try runtime.eventConsumer(handlers: FleetEvents.handlers(accounts: accounts))
    runtime.addService(MailSender(database: database, mailer: try runtime.mailer(), wakeup: wakeup, logger: runtime.logger))
    let guardian = LoginGuard(settings: settings, database: database, redis: redis, outbox: outbox, mail: mail, logger: runtime.logger)
    let mfa = MFAStore(database: database, outbox: outbox, settings: settings)

    let bootstrap = AdminBootstrap(settings: settings, hasher: hasher, accounts: accounts, logger: runtime.logger)
    runtime.beforeServerStarts {
        try await keys.rotate(force: false)
        try await bootstrap.run()
    }

    // Most routes here are public or carry their own proof (a refresh token, an mfaToken), and an
    // expired access token must not stop a refresh: tokens are checked only where a user must be signed in.
    let router = try runtime.makeRouter(openAPI: EmbeddedFiles.openAPI, authenticate: false)
    // Its own tokens are verified against its own key store, not through a request to itself.
    let verifier = AccessTokenVerifier(source: "auth-service key store", issuer: settings.issuer,
                                       minimumRefetchInterval: .seconds(1), logger: runtime.logger) {
        try JSONEncoder().encode(try await keys.jwks())
    }
    let signedIn = router.group().add(middleware: AuthenticationMiddleware(verifier: verifier))
    AccountRoutes(accounts: accounts, hasher: hasher).add(to: router)
    LoginRoutes(accounts: accounts, sessions: sessions, guardian: guardian, hasher: hasher, mfa: mfa,
                dummyHash: try await hasher.hash(SecretToken.make())).add(to: router, signedIn: signedIn)
    SessionRoutes(sessions: sessions, mfa: mfa).add(to: signedIn.requiringAuthentication())
    KeyRoutes(keys: keys, sessions: sessions, settings: settings).add(to: router, signedIn: signedIn.requiringAuthentication())
    OAuthRoutes(oauth: OAuthStore(database: database), providers: settings.oauthProviders, accounts: accounts, sessions: sessions,
                client: PeerHTTPClient.shared).add(to: router)
    return runtime.makeApplication(router: router)
}
