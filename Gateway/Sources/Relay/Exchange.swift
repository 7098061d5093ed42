import Logging
import NIOCore
import NIOHTTP1
import Shared

/// One admitted request relayed to the member that owns it, and the member's answer relayed
/// back, part by part as each arrives: neither body is ever held whole. Everything runs on the
/// client connection's event loop, which the upstream connection shares.
///
/// - Backpressure: while the member's connection cannot take more, the client's connection
///   stops reading, and while the client cannot take more, the member's connection stops.
/// - Time: the member has `timeout` to start answering, and then to send each next part.
/// - Failure before the answer starts is a problem the client gets (`RelayFailure`); after it
///   started, the client's connection is closed, the only way left to say the answer is cut.
///   Either way the failure is logged, with its cause.
/// - A connection that carried an exchange before may have been closed by the member while it
///   waited in the pool; a request without a body that fails on it before any answer is sent
///   once more on a new connection.
final class Exchange: UpstreamResponseReceiver {
    let request: GatewayRequest
    private(set) var status: HTTPResponseStatus = .ok
    private var client: GatewayHandler?
    private let pool: UpstreamPool
    private let upstream: UpstreamAddress
    private let upstreamHead: HTTPRequestHead
    private let timeout: TimeAmount
    private let logger: Logger
    private var connection: UpstreamConnection?
    /// Parts of the request that came before the connection was ready.
    private var waitingParts: [HTTPClientRequestPart] = []
    private var requestSent = false
    private var responseStarted = false
    private var upstreamKeepsAlive = true
    private var triedAgain = false
    private var connectionWasReused = false
    private var timer: NIOScheduledCallback?
    private var lastProgress: NIODeadline

    init(request: GatewayRequest, upstream: UpstreamAddress, client: GatewayHandler, clientAddress: String?,
         pool: UpstreamPool, timeout: TimeAmount, logger: Logger) {
        self.request = request
        self.logger = logger
        self.upstream = upstream
        self.client = client
        self.pool = pool
        self.timeout = timeout
        let headers = ForwardedHeaders.upstream(
            from: request.head.headers, clientAddress: clientAddress, authority: upstream.authority,
            requestId: request.requestId, traceparent: request.traceparent, chunked: request.isChunked)
        upstreamHead = HTTPRequestHead(version: .http1_1, method: request.head.method,
                                       uri: upstream.pathPrefix + request.head.uri, headers: headers)
        lastProgress = request.started
    }

    /// Borrows a connection and sends the head.
    func start() {
        lastProgress = .now()
        scheduleTimer(at: lastProgress + timeout)
        pool.acquire(upstream) { self.connected($0) }
    }

    // MARK: The client's side

    func forward(body: ByteBuffer) {
        send(.body(.byteBuffer(body)))
    }

    func forwardEnd() {
        send(.end(nil))
        connection?.flush()
    }

    /// The client's read is over: what it brought goes out in one write.
    func clientReadComplete() {
        connection?.flush()
    }

    func clientBecameWritable() {
        lastProgress = .now()
        connection?.resumeReads()
    }

    /// The client hung up: the member's connection cannot be trusted to be in step any more.
    func clientClosed() {
        end(reusingConnection: false)
    }

    /// The client's body grew past the limit: the request is refused and the member's connection
    /// dropped, as it has a part of the body it will never see the rest of.
    func refuse(_ problem: Problem) {
        fail(problem)
    }

    // MARK: The member's side

    func upstream(received part: HTTPClientResponsePart) {
        guard let client else { return }
        lastProgress = .now()
        switch part {
        case .head(let head):
            responseStarted = true
            status = head.status
            upstreamKeepsAlive = head.isKeepAlive
            client.relay(head, of: self)
        case .body(let bytes):
            client.relay(body: bytes)
            if !client.isWritable {
                connection?.holdReads()
                client.flushResponse()
            }
        case .end(let trailers):
            let reusable = requestSent && upstreamKeepsAlive
            end(reusingConnection: reusable)
            client.relayEnd(trailers, of: self)
        }
    }

    func upstreamReadComplete() {
        client?.flushResponse()
    }

    func upstreamBecameWritable() {
        client?.resumeReads()
    }

    func upstream(failed error: any Error) {
        connection = nil
        guard client != nil else { return }
        if !responseStarted, let retry = retryAfterStaleConnection() {
            waitingParts = retry
            requestSent = false
            pool.acquire(upstream, fresh: true) { self.connected($0) }
        } else {
            fail(.broken(error))
        }
    }

    // MARK: Inside

    private func connected(_ result: Result<UpstreamConnection, RelayFailure>) {
        guard client != nil else {
            if case .success(let connection) = result { pool.release(connection) }
            return
        }
        switch result {
        case .failure(let failure):
            fail(failure)
        case .success(let connection):
            self.connection = connection
            connectionWasReused = connection.exchangesCompleted > 0
            connection.receiver = self
            connection.write(.head(upstreamHead))
            let parts = waitingParts
            waitingParts = []
            for part in parts { send(part) }
            connection.flush()
        }
    }

    private func send(_ part: HTTPClientRequestPart) {
        guard let connection else {
            waitingParts.append(part)
            return
        }
        connection.write(part)
        if case .end = part { requestSent = true }
        if !connection.isWritable {
            // Writability comes back only once what is written goes out, so it is flushed now:
            // these parts may not have come from a read that ends with a flush. Reads stop
            // first, since the flush itself may make the connection writable again.
            client?.holdReads()
            connection.flush()
        }
    }

    /// The parts to send again on a new connection, when a request without a body failed on a
    /// reused connection before any answer; `nil` when it must not be tried again.
    private func retryAfterStaleConnection() -> [HTTPClientRequestPart]? {
        guard !triedAgain, !request.hasBody, connectionWasReused else { return nil }
        triedAgain = true
        return requestSent ? [.end(nil)] : []
    }

    /// A scheduled callback rather than a scheduled task, which would make a promise and a
    /// closure for every request.
    private func scheduleTimer(at deadline: NIODeadline) {
        timer = try? pool.eventLoop.assumeIsolated().scheduleCallback(at: deadline, handler: TimerHandler(exchange: self))
    }

    private struct TimerHandler: NIOScheduledCallbackHandler {
        let exchange: Exchange

        func handleScheduledCallback(eventLoop: some EventLoop) {
            exchange.timerFired()
        }
    }

    private func timerFired() {
        timer = nil
        guard client != nil else { return }
        let deadline = lastProgress + timeout
        if deadline > .now() {
            scheduleTimer(at: deadline)
        } else {
            fail(.timedOut)
        }
    }

    /// The member's answer cannot be relayed: logged, then told to the client as `fail(_:)` tells it.
    private func fail(_ failure: RelayFailure) {
        logger.warning("upstream call failed", metadata: [
            "upstream": "\(upstream.service)", "requestId": "\(request.requestId)", "error": "\(failure)",
        ])
        fail(failure.problem(service: upstream.service))
    }

    /// Ends the exchange without the member's whole answer: the client is answered `problem`,
    /// or, when part of the answer has gone out already, its connection is closed, the only way
    /// left to say the answer is cut.
    private func fail(_ problem: Problem) {
        guard let client else { return }
        end(reusingConnection: false)
        if responseStarted {
            client.abortConnection()
        } else {
            client.exchange(self, failedWith: problem)
        }
    }

    /// Lets go of the connection and the timer; the client learns the outcome from the caller.
    private func end(reusingConnection reusable: Bool) {
        timer?.cancel()
        timer = nil
        client = nil
        waitingParts = []
        guard let connection else { return }
        self.connection = nil
        if reusable {
            pool.release(connection)
        } else {
            pool.discard(connection)
        }
    }
}
