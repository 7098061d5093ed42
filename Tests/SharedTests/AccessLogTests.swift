import Hummingbird
import HummingbirdTesting
import Logging
import Shared
import Synchronization
import Testing

/// One access-log line per request; the probes and scrapes that arrive every few seconds are
/// logged at debug, so that at the usual `LOG_LEVEL=info` the log holds the requests people make.
@Suite struct AccessLogTests {
    @Test func healthAndMetricsRequestsAreLoggedAtDebugAndOthersAtInfo() async throws {
        let lines = CapturedLines()
        var logger = Logger(label: "access-log-test") { _ in CapturingLogHandler(lines: lines) }
        logger.logLevel = .trace
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: AccessLogMiddleware())
        for path in ["/health/live", "/health/ready", "/metrics", "/courses"] {
            router.get(RouterPath(path)) { _, _ in "ok" }
        }
        let application = Application(router: router, logger: logger)

        try await application.test(.router) { client in
            for path in ["/health/live", "/health/ready", "/metrics", "/courses"] {
                try await client.execute(uri: path, method: .get) { #expect($0.status == .ok) }
            }
        }

        let requests = lines.all.filter { $0.message == "request" }
        #expect(requests.map(\.path) == ["/health/live", "/health/ready", "/metrics", "/courses"])
        #expect(requests.map(\.level) == [.debug, .debug, .debug, .info])
    }
}

/// The level, message and `path` field of each line logged.
private final class CapturedLines: Sendable {
    struct Line: Sendable {
        let level: Logger.Level
        let message: String
        let path: String?
    }

    private let lines = Mutex<[Line]>([])
    var all: [Line] { lines.withLock { $0 } }
    func append(_ line: Line) { lines.withLock { $0.append(line) } }
}

private struct CapturingLogHandler: LogHandler {
    let lines: CapturedLines
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.append(.init(level: event.level, message: event.message.description, path: event.metadata?["path"]?.description))
    }
}
