import AsyncHTTPClient
import Configuration
import Hummingbird
import Shared

/// Builds the gateway: the standard middleware, CORS, its own health and metrics, access-token
/// checks on every route that is not public, rate limits, and a reverse proxy for every public
/// path of the fleet.
public func buildApplication(reader: ConfigReader) async throws -> some ApplicationProtocol {
    let runtime = try ServiceRuntime(name: "gateway", reader: reader)
    let settings = try GatewaySettings(runtime: runtime)
    let upstreamClient = HTTPClientService(configuration: PeerHTTPClient.configuration(
        connectTimeout: settings.connectTimeout, readTimeout: settings.upstreamTimeout, maxConnectionsPerHost: 256))
    runtime.addService(upstreamClient)

    let fleet = FleetReadiness(upstreams: settings.upstreams, client: upstreamClient.client)
    runtime.addReadinessReport { await fleet.check() }

    let router = try runtime.makeRouter(authenticate: false)
    router.add(middleware: AllowedOriginsCORSMiddleware(allowedOrigins: settings.corsAllowedOrigins))
    router.add(middleware: AccessTokenGate(publicRoutes: .fleet, verifier: try runtime.tokenVerifier()))
    if settings.rateLimitsEnabled {
        // Redis being down must not make the gateway unready: the limiter falls back to this process.
        let store = RedisRateLimitStore(redis: try runtime.redis(requiredForReadiness: false))
        router.add(middleware: RateLimitMiddleware(policies: settings.rateLimits, limiter: RateLimiter(redis: store, logger: runtime.logger)))
    }

    let proxy = ReverseProxy(routes: .fleet, upstreams: settings.upstreams, client: upstreamClient.client,
                             timeout: settings.upstreamTimeout)
    for method: HTTPRequest.Method in [.get, .head, .post, .put, .patch, .delete, .options] {
        router.on("/**", method: method) { request, context in
            try await proxy.forward(request, context: context)
        }
    }
    return runtime.makeApplication(router: router)
}
