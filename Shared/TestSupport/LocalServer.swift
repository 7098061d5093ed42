import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// An HTTP server a test runs in-process on a free loopback port: a fake upstream, a fake
/// provider, a key-set endpoint.
///
/// ```swift
/// let router = Router()
/// router.get("/.well-known/jwks.json") { _, _ in jwks }
/// let server = try await LocalServer.start(router: router)
/// defer { Task { await server.stop() } }
/// ```
public final class LocalServer: Sendable {
    /// The port it listens on.
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Its base URL, `http://127.0.0.1:<port>`.
    public var url: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.group = group
        self.task = task
    }

    /// Starts serving a router and returns once the server listens.
    /// - Parameter port: the port to listen on; a free one when 0.
    public static func start<Context: RequestContext>(router: Router<Context>, port: Int = 0) async throws -> LocalServer
    where Context.Source == ApplicationRequestContextSource {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let application = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: TestLogger.make("local-server"))
        let group = ServiceGroup(services: [application], logger: TestLogger.make("local-server"))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let boundPort = await iterator.next() else {
            throw LocalProcessError(command: "LocalServer.start", output: "the server did not start")
        }
        return LocalServer(port: boundPort, group: group, task: task)
    }

    /// Stops the server, letting requests in flight finish.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
