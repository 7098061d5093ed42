import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Shared

/// A whole response the gateway writes itself rather than relays: a refusal, a preflight, or
/// what its own router answered.
struct Answer: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer?

    init(status: HTTPResponseStatus, headers: HTTPHeaders = HTTPHeaders(), body: ByteBuffer? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        if body == nil && status.mayHaveResponseBody { self.headers.replaceOrAdd(name: "Content-Length", value: "0") }
    }

    /// The problem document of a refusal, for the request at `path`.
    init(problem: any ProblemError, path: String) {
        let (fields, body) = ProblemDocument(problem, instance: path).encoded()
        self.init(status: HTTPResponseStatus(statusCode: problem.status.code), headers: HTTPHeaders(fields), body: body)
    }
}
