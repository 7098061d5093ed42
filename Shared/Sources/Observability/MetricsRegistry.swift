import Foundation
import Metrics
import Prometheus
import Synchronization

/// The process's Prometheus registry, installed as the swift-metrics backend once per process,
/// with metric and label names turned into Prometheus's conventions.
public enum MetricsRegistry {
    /// The registry every metric of this process is recorded in.
    public static let shared: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (prometheusName(name), labels.map { (prometheusLabel($0.0), $0.1) })
        }
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Makes sure the backend is installed; safe to call any number of times.
    public static func bootstrap() {
        _ = shared
    }

    /// The exposition text of every metric.
    public static func exposition() -> [UInt8] {
        shared.emitToBuffer()
    }

    /// Hummingbird's metric names, renamed to the usual Prometheus ones; other names have their
    /// dots and dashes turned into underscores.
    static func prometheusName(_ name: String) -> String {
        switch name {
        case "hb.requests": "http_requests_total"
        case "hb.request.errors": "http_request_errors_total"
        case "http.server.request.duration": "http_request_duration_seconds"
        case "http.server.active_requests": "http_requests_in_flight"
        default: sanitize(name)
        }
    }

    static func prometheusLabel(_ label: String) -> String {
        switch label {
        case "http.route": "route"
        case "http.request.method": "method"
        case "http.response.status_code", "error.type": "status"
        default: sanitize(label)
        }
    }

    private static func sanitize(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
    }
}
