import NIOCore
import ServiceLifecycle

/// Closes what the event loops opened, each loop its own (the upstream connections, the Redis
/// connection), when the application shuts down, after the server has stopped.
struct EventLoopResources<Value>: Service {
    let values: PerEventLoop<Value>
    let close: @Sendable (Value) -> EventLoopFuture<Void>

    func run() async throws {
        try? await gracefulShutdown()
        await values.forEachMade(close)
    }
}
