import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` with `100 Continue` as soon as the request head arrives, so a
/// client that asks before sending a large body sends it at once.
///
/// Hummingbird never answers the expectation, so such a client waits out its own timeout first:
/// curl, for example, sends `Expect: 100-continue` with every body over 1 KiB (7.x) or 1 MiB (8.x)
/// and waits a second for the answer, a second added to every ledger batch it posted. The
/// expectation is removed from the head before the router sees it, so nothing downstream (a
/// proxied service behind the gateway) answers it again.
///
/// Sits in the HTTP/1.1 pipeline after Hummingbird's conversion to `HTTPTypes`. A request that is
/// refused without reading its body (401, 413) still gets its final answer; the client sent the
/// body meanwhile, which the server reads and discards as for any refused request.
final class ExpectContinueHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), let expectation = head.headerFields[.expect] else {
            context.fireChannelRead(data)
            return
        }
        // RFC 9110 §10.1.1 defines no other expectation; anything else is passed on untouched.
        guard expectation.lowercased() == "100-continue" else {
            context.fireChannelRead(data)
            return
        }
        head.headerFields[.expect] = nil
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}
