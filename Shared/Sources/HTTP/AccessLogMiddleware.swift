import Hummingbird
import Logging
import NIOCore

/// Writes one log line per request once its response is ready: method, route, path, status and
/// duration, with the request id and trace ids the tracing middleware put in the logger.
public struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method.rawValue)",
                "path": "\(request.uri.path)",
                "route": "\(context.endpointPath ?? "-")",
                "status": "\(response.status.code)",
                "durationMs": "\((milliseconds * 1000).rounded() / 1000)",
            ])
        return response
    }
}
