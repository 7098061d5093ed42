import AsyncHTTPClient
import ServiceLifecycle

/// Owns an `HTTPClient` with a connection pool of its own and shuts it down after graceful
/// shutdown, for processes that need one tuned differently from `HTTPClient.shared`.
public final class HTTPClientService: Service, Sendable {
    /// The client.
    public let client: HTTPClient

    /// Creates a client with its own connection pool.
    public init(configuration: HTTPClient.Configuration) {
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Waits for shutdown, then closes the client's connections.
    public func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
