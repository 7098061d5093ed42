import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Shared

/// Forwards a request to the member that owns its path and streams the answer back: bodies
/// flow through in both directions without being held in memory (the request body is taken back
/// from the upstream client before the answer is done: `ReclaimableRequestBody`), connections to upstreams are
/// pooled, and failures become problems: 504 when the upstream is too slow, 503 when it is
/// stopped or not deployed, 502 when it answers nonsense.
struct ReverseProxy: Sendable {
    let routes: RouteTable
    let upstreams: [String: String]
    let client: HTTPClient
    let timeout: Duration

    func forward(_ request: Request, context: AppRequestContext) async throws -> Response {
        let path = request.uri.path
        guard !Self.hasDotSegments(path) else {
            throw Problem.malformed("the path must not contain `.` or `..` segments")
        }
        guard let service = routes.service(for: path) else {
            throw Problem(.notFound, code: "no_route", detail: "no service serves \(path)")
        }
        guard let baseURL = upstreams[service] else {
            throw Problem.unavailable("service_not_deployed", "\(service) is not deployed here")
        }

        var upstreamRequest = HTTPClientRequest(url: baseURL + (request.uri.string.hasPrefix("/") ? request.uri.string : "/" + request.uri.string))
        upstreamRequest.method = HTTPMethod(rawValue: request.method.rawValue)
        upstreamRequest.headers = ForwardedHeaders.upstream(from: request, context: context)
        let body = Self.bodyLength(of: request).map { length in
            let body = ReclaimableRequestBody(request.body)
            upstreamRequest.body = body.upstreamBody(length: length)
            return body
        }

        let response: HTTPClientResponse
        do {
            response = try await client.execute(upstreamRequest, timeout: .init(timeout))
        } catch {
            await body?.reclaim()
            throw Self.problem(for: error, service: service, logger: context.logger)
        }
        return Response(
            status: .init(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase),
            headers: ForwardedHeaders.downstream(from: response.headers),
            body: ResponseBody { writer in
                do {
                    try await writer.write(response.body)
                    try await writer.finish(nil)
                } catch {
                    await body?.reclaim()
                    throw error
                }
                await body?.reclaim()
            })
    }

    /// The length of the request body to forward, or `nil` when the request has none.
    private static func bodyLength(of request: Request) -> HTTPClientRequest.Body.Length? {
        if let length = request.headers[.contentLength].flatMap(Int64.init) {
            return length > 0 ? .known(length) : nil
        }
        return request.headers[.transferEncoding] != nil ? .unknown : nil
    }

    private static func hasDotSegments(_ path: String) -> Bool {
        path.split(separator: "/").contains { segment in
            // Only a segment with a dot or an escape can be one; decoding every segment of every
            // request was a fiftieth of the gateway's CPU.
            guard segment.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "%") }) else { return false }
            let decoded = segment.removingPercentEncoding ?? String(segment)
            return decoded == "." || decoded == ".."
        }
    }

    /// 504 for a timeout, 503 for an upstream that is not listening, 502 otherwise.
    static func problem(for error: any Error, service: String, logger: Logger) -> Problem {
        logger.warning("upstream call failed", metadata: ["upstream": "\(service)", "error": "\(error)"])
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .deadlineExceeded, .readTimeout:
                return Problem(.gatewayTimeout, code: "upstream_timeout", detail: "\(service) did not answer in time")
            case .connectTimeout:
                return .unavailable("upstream_unavailable", "\(service) is not available", retryAfterSeconds: 1)
            default:
                break
            }
        }
        if error is NIOConnectionError || (error as? IOError)?.errnoCode == ECONNREFUSED
            || error is ChannelError
        {
            return .unavailable("upstream_unavailable", "\(service) is not available", retryAfterSeconds: 1)
        }
        return Problem(.badGateway, code: "bad_gateway", detail: "\(service) gave an answer the gateway cannot pass on")
    }
}
