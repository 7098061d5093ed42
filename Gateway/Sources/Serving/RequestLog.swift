import Logging
import Metrics
import NIOCore
import NIOHTTP1
import Shared
import W3CTraceContext
import Synchronization

/// What the gateway records of each request it relays or refuses: one access-log line, and the
/// request metrics every service records (named as Hummingbird's `MetricsMiddleware` names
/// them, so that one dashboard reads the whole fleet), labelled with the route pattern.
final class RequestLog: Sendable {
    private struct Key: Hashable {
        let route: String
        let method: String
        let status: UInt
    }

    private struct Metrics: Sendable {
        let requests: Counter
        let duration: Timer
    }

    private let logger: Logger
    private let metrics = Mutex<[Key: Metrics]>([:])

    init(logger: Logger) {
        self.logger = logger
    }

    func record(_ request: GatewayRequest, status: HTTPResponseStatus) {
        let elapsed = NIODeadline.now() - request.started
        let metrics = metrics(route: request.route, method: request.head.method, status: status)
        metrics.requests.increment()
        metrics.duration.recordNanoseconds(elapsed.nanoseconds)
        var fields = AccessLog.fields(method: request.head.method.rawValue, path: request.path, route: request.route,
                                      status: Int(status.code), duration: .nanoseconds(elapsed.nanoseconds))
        fields["requestId"] = "\(request.requestId)"
        fields["traceId"] = "\(request.trace.traceID)"
        fields["spanId"] = "\(request.trace.spanID)"
        fields["principal"] = "\(request.principal?.subject ?? "-")"
        logger.info("request", metadata: fields)
    }

    private func metrics(route: String, method: HTTPMethod, status: HTTPResponseStatus) -> Metrics {
        let key = Key(route: route, method: method.rawValue, status: status.code)
        return metrics.withLock { cache in
            if let metrics = cache[key] { return metrics }
            let dimensions = [("http.route", route), ("http.request.method", method.rawValue), ("http.response.status_code", String(status.code))]
            let made = Metrics(requests: Counter(label: "hb.requests", dimensions: dimensions),
                               duration: Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds))
            cache[key] = made
            return made
        }
    }
}
