import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import Shared

/// How the gateway serves a connection: the HTTP/1.1 codec and a `GatewayHandler`. It takes the place of Hummingbird's
/// HTTP/1 channel, so the gateway's requests never leave their connection's event loop, and it
/// holds what all connections share.
struct GatewayChannel: ServerChildChannel {
    struct Connection: ServerChildChannelValue {
        let channel: any Channel
    }

    let admission: Admission
    let ownRoutes: OwnRoutes
    let responseFields: ResponseFields
    let pools: PerEventLoop<UpstreamPool>
    let upstreamTimeout: TimeAmount
    let maxBodyBytes: Int
    let requestLog: RequestLog
    let logger: Logger

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Connection> {
        channel.eventLoop.makeCompletedFuture {
            // No outbound header validation: every header the gateway writes is its own or was
            // parsed from a member's answer, which the parser already held to the grammar.
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false)
            try channel.pipeline.syncOperations.addHandler(GatewayHandler(gateway: self))
            return Connection(channel: channel)
        }
    }

    /// Everything happens in the handlers; the connection's task only waits for it to close.
    func handle(value: Connection, logger: Logger) async {
        try? await value.channel.closeFuture.get()
    }
}
