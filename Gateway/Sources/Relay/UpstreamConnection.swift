import NIOCore
import NIOHTTP1

/// What an upstream connection tells the exchange it serves.
protocol UpstreamResponseReceiver: AnyObject {
    /// A part of the member's answer.
    func upstream(received part: HTTPClientResponsePart)
    /// The end of what one read brought: time to flush what was relayed.
    func upstreamReadComplete()
    /// The connection can take more of the request body again.
    func upstreamBecameWritable()
    /// The connection failed or closed before the answer was complete.
    func upstream(failed error: any Error)
}

/// One HTTP/1.1 connection from the gateway to a member, on one event loop: the last handler of
/// its pipeline. It relays what it reads to the exchange it serves, and holds back reads while
/// the client is slower than the member (`holdReads()`), so an answer never piles up in memory.
final class UpstreamConnection: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    let address: UpstreamAddress
    /// The exchange being served; `nil` while the connection waits in its pool.
    weak var receiver: (any UpstreamResponseReceiver)?
    /// Called once when the connection has closed.
    var onClose: (() -> Void)?
    /// How many exchanges it has completed: a connection that served one before may have been
    /// closed by the member meanwhile, so a request that fails on it at once can be tried again.
    private(set) var exchangesCompleted = 0
    /// When it went back to its pool.
    var idleSince = NIODeadline.now()
    private var context: ChannelHandlerContext?
    private var readsHeld = false
    private var readPending = false

    init(address: UpstreamAddress) {
        self.address = address
    }

    var isActive: Bool { context?.channel.isActive ?? false }
    var isWritable: Bool { context?.channel.isWritable ?? false }

    func write(_ part: HTTPClientRequestPart) {
        context?.write(wrapOutboundOut(part), promise: nil)
    }

    func flush() {
        context?.flush()
    }

    func close() {
        context?.close(promise: nil)
    }

    /// Stops reading the member's answer until `resumeReads()`.
    func holdReads() {
        readsHeld = true
    }

    func resumeReads() {
        readsHeld = false
        if readPending, let context {
            readPending = false
            context.read()
        }
    }

    /// Marks an exchange as done, before the connection goes back to its pool.
    func completedExchange() {
        exchangesCompleted += 1
        receiver = nil
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        guard let receiver else {
            // Nothing may arrive on an idle connection: the member is out of step or closing.
            context.close(promise: nil)
            return
        }
        receiver.upstream(received: part)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        receiver?.upstreamReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { receiver?.upstreamBecameWritable() }
    }

    func read(context: ChannelHandlerContext) {
        if readsHeld {
            readPending = true
        } else {
            context.read()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let receiver = self.receiver
        self.receiver = nil
        receiver?.upstream(failed: error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let receiver = self.receiver
        self.receiver = nil
        receiver?.upstream(failed: ChannelError.eof)
        let onClose = self.onClose
        self.onClose = nil
        onClose?()
    }
}
