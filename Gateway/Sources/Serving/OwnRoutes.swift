import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Shared

/// The gateway's own routes, `/health/live`, `/health/ready` and `/metrics` (and the test clock's
/// when `TEST_CLOCKS=true`), answered by its Hummingbird router with the standard middleware, as
/// every service answers them. Requests for them never reach a member, whose own health and
/// metrics stay out of reach.
struct OwnRoutes: Sendable {
    static let standardPaths: Set<String> = ["/health/live", "/health/ready", "/metrics"]
    /// The largest body an own route takes (the test clock's advance is a few bytes).
    static let maxBodyBytes = 16_384

    let responder: RouterResponder<AppRequestContext>
    let paths: Set<String>
    let logger: Logger

    init(responder: RouterResponder<AppRequestContext>, extraPaths: Set<String> = [], logger: Logger) {
        self.responder = responder
        paths = Self.standardPaths.union(extraPaths)
        self.logger = logger
    }

    func serves(_ path: String) -> Bool {
        paths.contains(path)
    }

    /// The router's whole answer to a request, whose body has been read whole.
    func respond(to head: HTTPRequestHead, body: ByteBuffer, channel: any Channel) async -> Answer {
        do {
            let request = Request(head: try HTTPRequest(head, secure: false, splitCookie: false), body: RequestBody(buffer: body))
            let context = AppRequestContext(source: ApplicationRequestContextSource(channel: channel, logger: logger))
            let response = try await responder.respond(to: request, context: context)
            let collector = BodyCollector()
            try await response.body.write(collector)
            var headers = HTTPHeaders(response.headers)
            headers.replaceOrAdd(name: "Content-Length", value: String(collector.bytes.readableBytes))
            return Answer(status: HTTPResponseStatus(statusCode: response.status.code), headers: headers, body: collector.bytes)
        } catch {
            logger.error("the gateway's own route failed", metadata: ["error": "\(error)"])
            return Answer(problem: Problem(.internalServerError, code: "internal_error", detail: "the gateway could not answer"), path: head.uri)
        }
    }
}

/// Keeps the bytes a response body writes.
private final class BodyCollector: ResponseBodyWriter, @unchecked Sendable {
    // Written by one task, then read by it: never shared.
    var bytes = ByteBuffer()

    func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        bytes.writeBuffer(&buffer)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
