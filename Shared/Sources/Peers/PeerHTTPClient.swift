import AsyncHTTPClient
import NIOCore

/// The process's HTTP client for calls to peers and providers: pooled connections, a short
/// connect timeout, and no endless retrying of refused connections, so that a stopped peer is
/// reported at once instead of when the request's deadline passes.
public enum PeerHTTPClient {
    /// The client, alive for the whole process like `HTTPClient.shared`.
    public static let shared: HTTPClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration())

    /// The configuration of `shared`, for processes that own a client of their own (the gateway).
    public static func configuration(
        connectTimeout: Duration = .seconds(2), readTimeout: Duration? = nil, maxConnectionsPerHost: Int = 64
    ) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .init(connectTimeout), read: readTimeout.map { .init($0) }),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: maxConnectionsPerHost),
            decompression: .disabled)
        configuration.connectionPool.retryConnectionEstablishment = false
        // The fleet carries traces itself (`TracingMiddleware` and the traceparent it forwards).
        // AsyncHTTPClient's own spans would go to the no-op tracer, yet building them was a
        // twentieth of the gateway's CPU per proxied request.
        configuration.tracing.tracer = nil
        return configuration
    }
}
