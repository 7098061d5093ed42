import Foundation
import TestSupport
import Testing

/// What `make run` shows in the terminal (`deploy/local/log_view.py` over `tail -F` of every
/// member's log): each request once, as the gateway logged it, and what members log at notice
/// or above; every line with `LOG_VIEW=all`.
@Suite struct LogViewTests {
    /// tail's output for two members' logs: a request through the gateway and its second hop,
    /// a warning, an info line, a probe at debug, and a line that is not JSON.
    static let tailOutput = """
        ==> /stack/.local/logs/gateway.log <==
        {"durationMs":"12.5","level":"info","message":"request","method":"POST","path":"/courses","principal":"0190a3f0-7b1c-7000-8000-000000000001","requestId":"r-1","route":"/courses","service":"gateway","status":"201","time":"2026-03-01T10:00:00.000Z"}
        {"durationMs":"0.2","level":"debug","message":"request","method":"GET","path":"/health/ready","requestId":"r-2","route":"/health/ready","service":"gateway","status":"200","time":"2026-03-01T10:00:00.100Z"}

        ==> /stack/.local/logs/course-service.log <==
        {"durationMs":"9.1","level":"info","message":"request","method":"POST","path":"/courses","requestId":"r-1","route":"/courses","service":"course-service","status":"201","time":"2026-03-01T10:00:00.000Z"}
        {"error":"connection refused","failedRounds":"1","level":"warning","message":"event relay cannot publish; events wait in the outbox","service":"course-service","time":"2026-03-01T10:00:01.000Z"}
        {"level":"info","message":"database connection was closed by the server; retrying on a new one","service":"course-service","time":"2026-03-01T10:00:02.000Z"}
        NOTICE:  relation "outbox" already exists, skipping

        """

    static func view(_ options: [String] = []) async throws -> [String] {
        let folder = FileManager.default.temporaryDirectory.appending(path: "log-view-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appending(path: "tail")
        try tailOutput.write(to: input, atomically: true, encoding: .utf8)
        let script = TestEnvironment.packageRoot.appending(path: "deploy/local/log_view.py").path
        let view = try BackgroundProcess.start("bash", ["-c", "TZ=UTC python3 \"$0\" \"$@\" <\"$1\"", script, input.path] + options)
        #expect(view.waitForExit() == 0, "\(view.output)")
        return view.output.split(separator: "\n").map(String.init)
    }

    @Test func theTerminalShowsEachRequestOnceAndWhatMembersLogAtNoticeOrAbove() async throws {
        let lines = try await Self.view()

        #expect(lines.count == 2, "\(lines)")
        #expect(lines.first == "10:00:00 gateway                      POST /courses 201 12.5ms by 0190a3f0-7b1c-7000-8000-000000000001  requestId=r-1")
        #expect(lines.last == "10:00:01 course-service               warning: event relay cannot publish; events wait in the outbox  error=connection refused failedRounds=1")
    }

    @Test func everyLineIsShownWhenAskedFor() async throws {
        let lines = try await Self.view(["--all"])

        #expect(lines.count == 6, "\(lines)")
        #expect(lines.contains { $0.contains("course-service") && $0.contains("POST /courses 201 9.1ms") })
        #expect(lines.contains { $0.contains("gateway") && $0.contains("GET /health/ready 200") })
        #expect(lines.last?.hasSuffix(#"NOTICE:  relation "outbox" already exists, skipping"#) == true)
    }
}
