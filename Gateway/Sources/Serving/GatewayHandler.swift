import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import Shared

/// Serves one client connection, on its event loop. Each request is either for one of the
/// gateway's own routes, answered by its router, or it goes through admission and, once
/// admitted, is relayed to the member that owns its path (`Exchange`). Refusals, preflights and
/// failures are answered here.
///
/// Requests are answered one at a time, in order: one that arrives while the previous is still
/// being answered (HTTP/1.1 pipelining) waits, and reads stop until it is taken up. NIO's
/// pipelining handler would do the same, but it also stops reading between every request and
/// its answer, two epoll calls per request for clients that never pipeline. When the server
/// shuts down, or the client stops sending, the connection closes after the answer in progress.
final class GatewayHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum Phase {
        case idle
        /// Admission is under way: any body waits in `heldParts`, and reads stop meanwhile.
        case admitting(GatewayRequest)
        case relaying(Exchange)
        /// Answered before the request was whole: the rest of its body is read and dropped.
        case discardingBody
        /// One of the gateway's own routes; its router answers once the request is whole.
        case ownRoute(GatewayRequest)
        case answeringOwnRoute

        var isIdle: Bool {
            if case .idle = self { true } else { false }
        }
    }

    private let gateway: GatewayChannel
    private var phase = Phase.idle
    private var context: ChannelHandlerContext!
    private var pool: UpstreamPool!
    private var clientAddress: String?
    private var heldParts: [HTTPServerRequestPart] = []
    /// The body of a request for one of the gateway's own routes, read whole before it is answered.
    private var ownRouteBody = ByteBuffer()
    /// Whether the current request's end has been read.
    private var requestEnded = false
    private var bodyBytes = 0
    private var readsHeld = false
    private var readPending = false
    /// Request and trace ids need to be unique, not secret: one seed per connection spares a
    /// system call for each.
    private var random = SplitMix()
    /// Parts of requests that came while the one before was still being answered.
    private var pipelined = CircularBuffer<HTTPServerRequestPart>()
    /// Whether the connection closes once the answer in progress is written.
    private var closeAfterAnswer = false

    init(gateway: GatewayChannel) {
        self.gateway = gateway
    }

    var isWritable: Bool { context.channel.isWritable }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        pool = gateway.pools.value(on: context.eventLoop)
        clientAddress = context.channel.remoteAddress?.ipAddress
    }

    // MARK: Reading requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if case .head = part, !phase.isIdle || !pipelined.isEmpty {
            pipelined.append(part)
            holdReads()
        } else if !pipelined.isEmpty {
            pipelined.append(part)
        } else {
            receive(part)
        }
    }

    /// Takes up the requests that waited, once the one before them is answered.
    private func takeUpPipelined() {
        while let next = pipelined.first {
            if case .head = next, !phase.isIdle { return }
            receive(pipelined.removeFirst())
        }
        resumeReads()
    }

    private func receive(_ part: HTTPServerRequestPart) {
        switch (phase, part) {
        case (.idle, .head(let head)):
            begin(head)
        case (.admitting, .body), (.admitting, .end):
            if case .end = part { requestEnded = true }
            heldParts.append(part)
        case (.relaying(let exchange), .body(let bytes)):
            bodyBytes += bytes.readableBytes
            if bodyBytes > gateway.maxBodyBytes {
                exchange.refuse(Admission.bodyTooLarge(gateway.maxBodyBytes))
            } else {
                exchange.forward(body: bytes)
            }
        case (.relaying(let exchange), .end):
            requestEnded = true
            exchange.forwardEnd()
        case (.ownRoute(let request), .body(var bytes)):
            if ownRouteBody.readableBytes + bytes.readableBytes > OwnRoutes.maxBodyBytes {
                ownRouteBody.clear()
                answer(Answer(problem: Admission.bodyTooLarge(OwnRoutes.maxBodyBytes), path: request.path), for: request, recorded: false)
            } else {
                ownRouteBody.writeBuffer(&bytes)
            }
        case (.discardingBody, .body):
            break
        case (.discardingBody, .end):
            requestEnded = true
            phase = .idle
            if closeAfterAnswer { context.close(promise: nil) }
        case (.ownRoute(let request), .end):
            requestEnded = true
            phase = .answeringOwnRoute
            answerOwnRoute(request)
        default:
            // Requests are taken up one at a time (`channelRead`); anything else is a bug.
            gateway.logger.error("request part out of order", metadata: ["part": "\(part)"])
            context.close(promise: nil)
        }
    }

    private func begin(_ head: HTTPRequestHead) {
        var request = GatewayRequest(head: head, random: &random)
        requestEnded = false
        bodyBytes = 0
        if gateway.ownRoutes.serves(request.path) {
            phase = .ownRoute(request)
            if request.expectsContinue {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
            }
            return
        }
        request.corsOrigin = gateway.responseFields.cors.allowedOrigin(of: head.headers)
        if let origin = request.corsOrigin, head.method == .OPTIONS {
            answer(gateway.responseFields.cors.preflight(origin: origin), for: request)
            return
        }
        phase = .admitting(request)
        // Only a body can arrive before admission ends (a next request waits by itself, see
        // `channelRead`). Holding reads costs two epoll calls, so only when a body follows.
        if request.hasBody { holdReads() }
        gateway.admission.admit(request, clientAddress: clientAddress, on: context.eventLoop) { self.admitted($0) }
    }

    private func admitted(_ verdict: Admission.Verdict) {
        guard case .admitting(let request) = phase else { return }  // the client left meanwhile
        let parts = heldParts
        heldParts.removeAll(keepingCapacity: true)
        switch verdict {
        case .failure(let refusal):
            answer(Answer(problem: refusal.problem, path: request.path), for: refusal.request)
        case .success(let ticket):
            if ticket.request.expectsContinue && !requestEnded {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: request.head.version, status: .continue))), promise: nil)
            }
            let exchange = Exchange(request: ticket.request, upstream: ticket.upstream, client: self, clientAddress: clientAddress,
                                    pool: pool, timeout: gateway.upstreamTimeout, logger: gateway.logger)
            phase = .relaying(exchange)
            let ended = requestEnded
            requestEnded = false
            exchange.start()
            for part in parts { receive(part) }
            requestEnded = requestEnded || ended
        }
        resumeReads()
    }

    // MARK: Answering

    /// Writes a whole answer of the gateway's own.
    private func answer(_ answer: Answer, for request: GatewayRequest, recorded: Bool = true) {
        var headers = answer.headers
        if recorded {
            gateway.responseFields.apply(to: &headers, for: request)
        } else if let origin = request.corsOrigin {
            gateway.responseFields.cors.addResponseFields(to: &headers, origin: origin)
        }
        // A client told to wait for `100 Continue` may never send the body it announced.
        let closing = !request.head.isKeepAlive || (request.expectsContinue && !requestEnded)
        if closing { headers.replaceOrAdd(name: "Connection", value: "close") }
        writeHeadAndBody(of: answer, headers: headers, version: request.head.version)
        finish(request, status: answer.status, trailers: nil, closing: closing, recorded: recorded)
    }

    private func writeHeadAndBody(of answer: Answer, headers: HTTPHeaders, version: HTTPVersion) {
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: answer.status, headers: headers))), promise: nil)
        if let body = answer.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
    }

    func relay(_ head: HTTPResponseHead, of exchange: Exchange) {
        var headers = ForwardedHeaders.downstream(from: head.headers)
        gateway.responseFields.apply(to: &headers, for: exchange.request)
        if !exchange.request.head.isKeepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: exchange.request.head.version, status: head.status, headers: headers))), promise: nil)
    }

    func relay(body: ByteBuffer) {
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
    }

    func relayEnd(_ trailers: HTTPHeaders?, of exchange: Exchange) {
        finish(exchange.request, status: exchange.status, trailers: trailers, closing: !exchange.request.head.isKeepAlive, recorded: true)
    }

    func flushResponse() {
        context.flush()
    }

    /// The exchange failed before any of the answer was relayed.
    func exchange(_ exchange: Exchange, failedWith problem: Problem) {
        answer(Answer(problem: problem, path: exchange.request.path), for: exchange.request)
    }

    /// The answer was cut after it started: closing is the only way left to tell the client.
    func abortConnection() {
        phase = .idle
        context.close(promise: nil)
    }

    private func finish(_ request: GatewayRequest, status: HTTPResponseStatus, trailers: HTTPHeaders?, closing: Bool, recorded: Bool) {
        if recorded { gateway.requestLog.record(request, status: status) }
        phase = requestEnded ? .idle : .discardingBody
        let written = context.writeAndFlush(wrapOutboundOut(.end(trailers)))
        if closing || closeAfterAnswer {
            pipelined.removeAll()
            let context = self.context!
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else if phase.isIdle && !pipelined.isEmpty {
            // Not from inside this call, which may be deep in the last exchange's callbacks.
            context.eventLoop.assumeIsolated().execute { self.takeUpPipelined() }
        }
    }

    private func answerOwnRoute(_ request: GatewayRequest) {
        let routes = gateway.ownRoutes
        let head = request.head
        let body = ownRouteBody
        ownRouteBody = ByteBuffer()
        let channel = context.channel
        context.eventLoop.makeFutureWithTask { await routes.respond(to: head, body: body, channel: channel) }
            .assumeIsolated()
            .whenSuccess { answer in
                guard case .answeringOwnRoute = self.phase else { return }
                self.answer(answer, for: request, recorded: false)
            }
    }

    // MARK: Backpressure and the connection's life

    /// Stops reading the client's connection until `resumeReads()`.
    func holdReads() {
        readsHeld = true
    }

    func resumeReads() {
        readsHeld = false
        if readPending {
            readPending = false
            context.read()
        }
    }

    func read(context: ChannelHandlerContext) {
        if readsHeld {
            readPending = true
        } else {
            context.read()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if case .relaying(let exchange) = phase { exchange.clientReadComplete() }
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, case .relaying(let exchange) = phase { exchange.clientBecameWritable() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .relaying(let exchange) = phase { exchange.clientClosed() }
        phase = .idle
        heldParts = []
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            closeOnceAnswered(context)
        case ChannelEvent.inputClosed:
            // A request still arriving can no longer be whole.
            if !requestEnded && !phase.isIdle { context.close(promise: nil) } else { closeOnceAnswered(context) }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func closeOnceAnswered(_ context: ChannelHandlerContext) {
        if phase.isIdle {
            context.close(promise: nil)
        } else {
            closeAfterAnswer = true
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is HTTPParserError, phase.isIdle {
            // Between requests nothing is owed, so the client hears why; either way the parser
            // cannot go on.
            let answer = Answer(problem: Problem.malformed("the request is not valid HTTP/1.1"), path: "/")
            var headers = answer.headers
            headers.replaceOrAdd(name: "Connection", value: "close")
            writeHeadAndBody(of: answer, headers: headers, version: .http1_1)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            gateway.logger.debug("client connection failed", metadata: ["error": "\(error)"])
        }
        context.close(promise: nil)
    }
}
