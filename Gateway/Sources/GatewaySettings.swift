import Shared

/// The gateway's own settings, besides those every process has.
struct GatewaySettings: Sendable {
    /// Where each deployed member listens, from `<NAME>_URL` or the local default.
    let upstreams: [String: UpstreamAddress]
    /// How long an upstream may take to answer before a 504 (`UPSTREAM_TIMEOUT_MS`).
    let upstreamTimeout: Duration
    /// How long opening a connection to an upstream may take (`UPSTREAM_CONNECT_TIMEOUT_MS`).
    let connectTimeout: Duration
    /// The most connections to one member from one event loop (`UPSTREAM_MAX_CONNECTIONS`).
    let maxConnectionsPerMember: Int
    /// Origins allowed by CORS (`CORS_ALLOWED_ORIGINS`, comma-separated; `*` for any).
    let corsAllowedOrigins: [String]
    /// The rate-limit policies (`RATE_LIMIT_POLICIES`, a JSON array; see `RateLimitPolicies.read`).
    let rateLimits: RateLimitPolicies
    /// Whether rate limits are on at all (`RATE_LIMITS`, default true).
    let rateLimitsEnabled: Bool

    init(runtime: ServiceRuntime) throws {
        let settings = runtime.settings
        let everyService = Fleet.members.map(\.name).filter { $0 != "gateway" }
        let deployed = settings.list("SERVICES", default: everyService)
        for name in deployed where Fleet.member(named: name) == nil {
            throw SettingsError.malformed("SERVICES", name, expected: "names from the fleet table")
        }
        var upstreams: [String: UpstreamAddress] = [:]
        for name in deployed {
            let setting = Fleet.member(named: name)!.urlSetting
            upstreams[name] = try UpstreamAddress(service: name, url: try runtime.peerURL(name), setting: setting)
        }
        self.upstreams = upstreams
        upstreamTimeout = try settings.milliseconds("UPSTREAM_TIMEOUT_MS", default: .seconds(30))
        connectTimeout = try settings.milliseconds("UPSTREAM_CONNECT_TIMEOUT_MS", default: .seconds(2))
        maxConnectionsPerMember = try settings.int("UPSTREAM_MAX_CONNECTIONS", default: 128, in: 1...10_000)
        corsAllowedOrigins = settings.list("CORS_ALLOWED_ORIGINS", default: ["http://localhost:3000"])
        rateLimits = try RateLimitPolicies.read(from: settings)
        rateLimitsEnabled = try settings.bool("RATE_LIMITS", default: true)
    }
}
