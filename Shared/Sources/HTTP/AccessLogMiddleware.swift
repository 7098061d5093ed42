import Hummingbird
import Logging
import NIOCore

/// Writes one log line per request once its response is ready: method, route, path, status and
/// duration, with the request id and trace ids the tracing middleware put in the logger. Health
/// and metrics requests are logged at debug: probes and scrapers ask every few seconds, and at
/// info their lines would bury the requests people make.
public struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        context.logger.log(level: AccessLog.level(path: request.uri.path), "request", metadata: AccessLog.fields(
            method: request.method.rawValue, path: request.uri.path, route: context.endpointPath ?? "-",
            status: response.status.code, duration: ContinuousClock.now - start))
        return response
    }
}

/// The fields of the fleet's access-log line, one line per request: every service's lines and
/// the gateway's (which writes its own, outside any router) read alike.
public enum AccessLog {
    /// The paths of the probes and scrapers every process answers, which are logged at debug.
    public static let quietPaths: Set<String> = ["/health/live", "/health/ready", "/metrics"]

    /// The level of a request's line: debug for a probe or a scrape, info for anything else.
    public static func level(path: String) -> Logger.Level {
        quietPaths.contains(path) ? .debug : .info
    }

    /// The line's fields: method, path, route, status and duration in milliseconds.
    public static func fields(method: String, path: String, route: String, status: Int, duration: Duration) -> Logger.Metadata {
        let milliseconds = Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000
        return [
            "method": "\(method)",
            "path": "\(path)",
            "route": "\(route)",
            "status": "\(status)",
            "durationMs": "\((milliseconds * 1000).rounded() / 1000)",
        ]
    }
}
