import AsyncHTTPClient
import Configuration
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOPosix
import Shared

/// Builds the gateway: every request for the fleet is admitted (access token, rate limit, route)
/// and relayed to its member at the channel level, on its connection's event loop; the
/// gateway's own health and metrics are answered by its router with the standard middleware.
public func buildApplication(reader: ConfigReader) async throws -> some ApplicationProtocol {
    let runtime = try ServiceRuntime(name: "gateway", reader: reader)
    let settings = try GatewaySettings(runtime: runtime)
    let loops = MultiThreadedEventLoopGroup.singleton

    let readinessClient = HTTPClientService(configuration: PeerHTTPClient.configuration(
        connectTimeout: settings.connectTimeout, readTimeout: .seconds(2), maxConnectionsPerHost: 4))
    runtime.addService(readinessClient)
    let fleet = FleetReadiness(upstreams: settings.upstreams.mapValues(\.url), client: readinessClient.client)
    runtime.addReadinessReport { await fleet.check() }

    let pools = PerEventLoop(group: loops) { loop in
        UpstreamPool(eventLoop: loop, connectTimeout: TimeAmount(settings.connectTimeout),
                     maxConnectionsPerMember: settings.maxConnectionsPerMember)
    }
    runtime.addService(EventLoopResources(values: pools) { $0.close() })

    var limiter: RateLimiter?
    if settings.rateLimitsEnabled {
        // Redis being down must not make the gateway unready: the limiter falls back to this process.
        let redisSettings = try RedisSettings(settings: runtime.settings)
        let stores = PerEventLoop(group: loops) { loop in
            RedisRateLimitStore(connection: PipelinedRedisConnection(settings: redisSettings, eventLoop: loop),
                                keyPrefix: redisSettings.keyPrefix)
        }
        runtime.addService(EventLoopResources(values: stores) { $0.close() })
        limiter = RateLimiter(redis: stores, logger: runtime.logger)
    }

    let router = try runtime.makeRouter(authenticate: false)
    if runtime.testClocks {
        let group = router.group("test-clock").add(middleware: AuthenticationMiddleware(verifier: try runtime.tokenVerifier()))
        TestClockRoutes(offset: TestClockOffset(redis: try runtime.redis(requiredForReadiness: false)), clock: runtime.clock,
                        logger: runtime.logger)
            .add(to: group.requiringAuthentication())
    }
    let admission = Admission(
        routes: .fleet, upstreams: settings.upstreams, publicRoutes: .fleet, verifier: try runtime.tokenVerifier(),
        rateLimits: settings.rateLimitsEnabled ? settings.rateLimits : nil, limiter: limiter,
        maxBodyBytes: runtime.server.maxBodyBytes, logger: runtime.logger)
    let channel = GatewayChannel(
        admission: admission,
        ownRoutes: OwnRoutes(responder: router.buildResponder(), extraPaths: runtime.testClocks ? TestClockRoutes.paths : [],
                             logger: runtime.logger),
        responseFields: ResponseFields(cors: CORSPolicy(allowedOrigins: settings.corsAllowedOrigins),
                                       strictTransportSecurity: runtime.server.strictTransportSecurity),
        pools: pools, upstreamTimeout: TimeAmount(settings.upstreamTimeout), maxBodyBytes: runtime.server.maxBodyBytes,
        requestLog: RequestLog(logger: runtime.logger), logger: runtime.logger)
    return runtime.makeApplication(router: router, server: HTTPServerBuilder { _ in channel })
}
