import AsyncHTTPClient
import Configuration
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle

/// Everything a service is built from besides its own domain: settings, logging, metrics,
/// PostgreSQL, Redis, token verification, peers, and the standard HTTP application. It is the
/// fleet's `AddServiceDefaults()`: a service's `App.swift` asks it for what it needs, adds its
/// own routes, and asks it for the application.
///
/// ```swift
/// public func buildApplication(reader: ConfigReader) async throws -> some ApplicationProtocol {
///     let runtime = try ServiceRuntime(name: "azora-ledger", reader: reader)
///     let database = try runtime.database(migrations: Migrations.all)
///     let router = try runtime.makeRouter(openAPI: EmbeddedFiles.openAPI)
///     LedgerController(store: TransferStore(database: database)).addRoutes(to: router.group("ledger").requiringAuthentication())
///     return runtime.makeApplication(router: router)
/// }
/// ```
public final class ServiceRuntime {
    /// This process's row in the fleet table.
    public let member: FleetMember
    /// This process's settings.
    public let settings: Settings
    /// The process's logger, labelled with its name.
    public let logger: Logger
    /// Where it serves HTTP.
    public let server: ServerSettings
    /// The time every business rule of the service reads (expiries, windows, schedules): the
    /// real time, plus the fleet's shared test offset when `TEST_CLOCKS=true`. See `FleetClock`.
    public let clock = FleetClock()
    /// Whether the clock follows the test offset an administrator moves (`TEST_CLOCKS`, default
    /// false; `make run` turns it on).
    public let testClocks: Bool

    private var services: [any Service] = []
    private let readinessChecks = ReadinessChecks()
    private var startupWork: [@Sendable () async throws -> Void] = []
    private var openedDatabase: Database?
    private var openedRedis: RedisClient?
    private var redisRequiredForReadiness = false
    private var openedVerifier: AccessTokenVerifier?
    private var openedOutbox: Outbox?
    private var consumers: [EventConsumer] = []

    /// Reads the common settings of a fleet member.
    /// - Parameters:
    ///   - name: the member's name in the fleet table.
    ///   - reader: where settings come from.
    ///   - logger: the logger to use; by default one labelled with the name at `LOG_LEVEL`.
    /// - Throws: `SettingsError` for a malformed setting.
    public init(name: String, reader: ConfigReader, logger: Logger? = nil) throws {
        guard let member = Fleet.member(named: name) else {
            preconditionFailure("\(name) is not in the fleet table (Shared/Sources/Fleet/Fleet.swift)")
        }
        self.member = member
        settings = Settings(reader: reader)
        server = try ServerSettings(settings: settings, member: member)
        var logger = logger ?? Logger(label: name)
        if let level = settings.raw("LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw SettingsError.malformed("LOG_LEVEL", level, expected: "trace, debug, info, notice, warning, error or critical")
            }
            logger.logLevel = parsed
        }
        self.logger = logger
        testClocks = try settings.bool("TEST_CLOCKS", default: false)
        MetricsRegistry.bootstrap()
        if testClocks { try followTestClock() }
    }

    /// Keeps `clock` on the shared test offset: read once before the server starts, then four
    /// times a second. Redis is not required for readiness on the clock's account: while it is
    /// down the clock keeps the last offset it read.
    private func followTestClock() throws {
        logger.info("TEST_CLOCKS is on: administrators can move this fleet's clock (never do this in production)")
        let follower = TestClockFollower(clock: clock, offset: TestClockOffset(redis: try redis(requiredForReadiness: false)),
                                         logger: logger)
        startupWork.append {
            if await !follower.follow() {
                follower.logger.warning("the test clock's offset cannot be read from Redis; starting at real time")
            }
        }
        services.append(follower)
    }

    /// The service's PostgreSQL database, migrated before the server starts and checked by
    /// `/health/ready`. The outbox and inbox tables of the event bus are migrated too.
    /// - Parameter migrations: the service's own migrations, in order.
    /// - Parameter sessionSettings: server settings for each of the service's sessions.
    public func database(migrations: [Migration], sessionSettings: [String: String] = [:]) throws -> Database {
        if let openedDatabase { return openedDatabase }
        var databaseSettings = try DatabaseSettings(settings: settings, member: member)
        databaseSettings.sessionSettings = sessionSettings
        let database = Database(settings: databaseSettings, logger: logger)
        let migrator = Migrator(database: database, logger: logger)
        let all = EventMigrations.all + migrations
        startupWork.append { try await migrator.migrate(all) }
        services.append(database)
        readinessChecks.add(ReadinessCheck("postgres") { try await database.ping() })
        openedDatabase = database
        return database
    }

    /// The process's Redis, checked by `/health/ready`.
    /// - Parameter requiredForReadiness: whether `/health/ready` fails while Redis does not answer;
    ///   `false` for a process that keeps serving without it (the gateway's rate limits fall back).
    public func redis(requiredForReadiness: Bool = true) throws -> RedisClient {
        let redis: RedisClient
        if let openedRedis {
            redis = openedRedis
        } else {
            redis = RedisClient(settings: try RedisSettings(settings: settings), logger: logger)
            services.append(redis)
            openedRedis = redis
        }
        if requiredForReadiness && !redisRequiredForReadiness {
            readinessChecks.add(ReadinessCheck("redis") { try await redis.ping() })
            redisRequiredForReadiness = true
        }
        return redis
    }

    /// The service's outbox, with its relay added to the application. Needs `database(migrations:)`
    /// and `redis()` first.
    public func outbox() throws -> Outbox {
        if let openedOutbox { return openedOutbox }
        guard let openedDatabase else { preconditionFailure("ask for the database before the outbox") }
        let relay = OutboxRelay(database: openedDatabase, redis: try redis(), logger: logger)
        services.append(relay)
        let outbox = Outbox(source: member.name, relay: relay, clock: clock)
        openedOutbox = outbox
        return outbox
    }

    /// A consumer of the given event types in the service's consumer group, added to the
    /// application; its dead letters can be listed and replayed by admins under
    /// `/admin/events/dead-letters`.
    public func eventConsumer(handlers: [EventHandler], settings consumerSettings: ConsumerSettings = .init()) throws
        -> EventConsumer
    {
        guard let openedDatabase else { preconditionFailure("ask for the database before the event consumer") }
        let consumer = EventConsumer(group: member.name, database: openedDatabase, redis: try redis(),
                                     handlers: handlers, settings: consumerSettings, logger: logger)
        services.append(consumer)
        consumers.append(consumer)
        return consumer
    }

    /// The verifier of access tokens, reading auth-service's key set (`AUTH_SERVICE_URL`,
    /// `TOKEN_ISSUER`).
    public func tokenVerifier() throws -> AccessTokenVerifier {
        if let openedVerifier { return openedVerifier }
        let authURL = try peerURL("auth-service")
        let verifier = AccessTokenVerifier(
            jwksURL: authURL + "/.well-known/jwks.json",
            issuer: settings.string("TOKEN_ISSUER", default: TokenIssuer.default),
            minimumRefetchInterval: try settings.milliseconds("JWKS_MIN_REFETCH_MS", default: .seconds(30)),
            logger: logger)
        openedVerifier = verifier
        return verifier
    }

    /// The base URL of a peer, from `<NAME>_URL` or the local stack's default, without a trailing slash.
    public func peerURL(_ name: String) throws -> String {
        guard let peer = Fleet.member(named: name) else { preconditionFailure("\(name) is not in the fleet table") }
        let url = try settings.url(peer.urlSetting, default: peer.localURL)
        let text = url.absoluteString
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    /// Adds a long-running service (a relay, a consumer, a scheduler) to the application.
    public func addService(_ service: any Service) {
        services.append(service)
    }

    /// Adds a dependency check to `/health/ready`.
    public func addReadinessCheck(_ check: ReadinessCheck) {
        readinessChecks.add(check)
    }

    /// Adds states that `/health/ready` reports without depending on them, such as the gateway's
    /// view of each member.
    public func addReadinessReport(_ report: @escaping @Sendable () async -> [String: String]) {
        readinessChecks.addReport(report)
    }

    /// Adds work to finish before the server accepts requests, after the migrations.
    public func beforeServerStarts(_ work: @escaping @Sendable () async throws -> Void) {
        startupWork.append(work)
    }

    /// The router with the standard middleware (tracing, access log, metrics, security headers,
    /// problem responses, body limit, authentication) and the standard routes (health, metrics,
    /// OpenAPI). Add the service's routes to it; guard protected groups with
    /// `requiringAuthentication()`.
    /// - Parameter openAPI: the service's OpenAPI document, served at `/openapi.yaml`.
    public func makeRouter(openAPI: String? = nil, authenticate: Bool = true) throws -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: TracingMiddleware())
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: SecurityHeadersMiddleware(strictTransportSecurity: server.strictTransportSecurity))
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: BodyLimitMiddleware(maxBytes: server.maxBodyBytes))
        if authenticate {
            router.add(middleware: AuthenticationMiddleware(verifier: try tokenVerifier()))
        }
        HealthController(service: member.name, checks: readinessChecks, timeout: .seconds(2)).addRoutes(to: router)
        StandardRoutes.addMetrics(to: router)
        if let openAPI { StandardRoutes.addOpenAPI(openAPI, to: router) }
        if !consumers.isEmpty {
            DeadLetterController(consumers: consumers).addRoutes(to: router.group("admin/events").requiringAuthentication())
        }
        return router
    }

    /// The application: the router, served on `HOST:PORT`, with the runtime's services, the
    /// start-up work run before the server listens, and graceful shutdown on SIGTERM/SIGINT.
    /// - Parameter onConnectionLoops: serve each connection on its own event loop
    ///   (`EventLoopBoundChannel`): for services whose handlers mostly relay to a peer (the
    ///   orchestrator), where it saves a quarter or more of each call's CPU. Not for
    ///   handlers with heavy work of their own: it would hold up every connection on the loop.
    public func makeApplication(router: Router<AppRequestContext>, onConnectionLoops: Bool = false) -> some ApplicationProtocol {
        let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: [ExpectContinueHandler()])
        return makeApplication(router: router, server: onConnectionLoops ? .http1OnConnectionLoop(configuration: http1) : .http1(configuration: http1))
    }

    /// The application as `makeApplication(router:)` builds it, with connections served by
    /// `server` instead of Hummingbird's HTTP/1 channel: the gateway relays requests at the
    /// channel level and gives its router only the requests for its own routes.
    public func makeApplication(router: Router<AppRequestContext>, server: HTTPServerBuilder) -> some ApplicationProtocol {
        // Connections run from the start (migrations need them); everything else waits for start-up.
        let gate = Gate()
        let gated: [any Service] = services.map { service in
            service is Database || service is RedisClient ? service : GatedService(base: service, gate: gate)
        }
        var application = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(self.server.host, port: self.server.port), serverName: member.name),
            services: gated,
            logger: logger)
        for work in startupWork {
            application.beforeServerStarts(perform: work)
        }
        application.beforeServerStarts { gate.open() }
        return application
    }
}

extension RouterGroup where Context == AppRequestContext {
    /// This group, with every route in it refusing callers without a valid access token.
    public func requiringAuthentication() -> RouterGroup<Context> {
        add(middleware: RequireAuthenticationMiddleware())
    }
}

/// The issuer named in access tokens.
public enum TokenIssuer {
    /// The default `iss`, used unless `TOKEN_ISSUER` says otherwise.
    public static let `default` = "https://auth.azora.local"
}
