import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Shared

/// The gateway's own routes, `/health/live`, `/health/ready` and `/metrics`, answered by its
/// Hummingbird router with the standard middleware, as every service answers them. Requests
/// for them never reach a member, whose own health and metrics stay out of reach.
struct OwnRoutes: Sendable {
    static let paths: Set<String> = ["/health/live", "/health/ready", "/metrics"]

    let responder: RouterResponder<AppRequestContext>
    let logger: Logger

    func serves(_ path: String) -> Bool {
        Self.paths.contains(path)
    }

    /// The router's whole answer to a request without a body.
    func respond(to head: HTTPRequestHead, channel: any Channel) async -> Answer {
        do {
            let request = Request(head: try HTTPRequest(head, secure: false, splitCookie: false), body: RequestBody(buffer: ByteBuffer()))
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
