import NIOHTTP1
import HTTPTypes
import Shared

/// The headers the gateway puts on every answer, relayed or its own: the request id and trace,
/// the fleet's security headers (unless the member chose its own), CORS for allowed origins, and
/// the caller's rate limit.
struct ResponseFields: Sendable {
    let cors: CORSPolicy
    private let security: [(name: String, value: String)]

    init(cors: CORSPolicy, strictTransportSecurity: Bool) {
        self.cors = cors
        security = SecurityHeaders.fields(strictTransportSecurity: strictTransportSecurity).map { ($0.name.rawName, $0.value) }
    }

    func apply(to headers: inout HTTPHeaders, for request: GatewayRequest) {
        headers.replaceOrAdd(name: "X-Request-Id", value: request.requestId)
        headers.replaceOrAdd(name: "traceparent", value: request.traceparent)
        for field in security where !headers.contains(name: field.name) {
            headers.add(name: field.name, value: field.value)
        }
        if let origin = request.corsOrigin {
            cors.addResponseFields(to: &headers, origin: origin)
        }
        request.rateLimit?.addFields(to: &headers)
    }
}
