import AsyncHTTPClient
import Foundation
import TestSupport
import Testing

/// `make run` keeps every member of the local stack under `deploy/local/supervise.sh`: a member
/// that exits unexpectedly comes back, the terminal is told why, and only a stop request ends
/// it. Driven here with small fake members (Python's HTTP server) instead of the whole stack.
@Suite struct SupervisorTests {
    @Test func aMemberKilledWithSIGKILLComesBackWhileTheOthersStayUp() async throws {
        let alpha = try SupervisedMember.start("alpha")
        let beta = try SupervisedMember.start("beta")
        defer { alpha.remove(); beta.remove() }
        try await eventually { await alpha.answers() }
        try await eventually { await beta.answers() }
        let killed = try #require(alpha.pids.first)
        let betaPid = try #require(beta.pids.first)

        kill(killed, SIGKILL)

        try await eventually { alpha.pids.count == 2 }
        try await eventually { await alpha.answers() }
        try await eventually { alpha.terminal.contains("is ready again") }
        #expect(alpha.terminal.contains("exited unexpectedly (killed by SIGKILL)"), "\(alpha.terminal)")
        #expect(alpha.terminal.contains("restart 1 in 1s"), "\(alpha.terminal)")
        #expect(alpha.terminal.contains("restarted (restart 1)"), "\(alpha.terminal)")
        #expect(alpha.terminal.contains("Serving HTTP on 127.0.0.1"), "its last log lines are shown: \(alpha.terminal)")
        #expect(beta.pids == [betaPid])
        #expect(kill(betaPid, 0) == 0)
        #expect(await beta.answers())
        #expect(beta.terminal.isEmpty, "\(beta.terminal)")

        // Ctrl-C: run.sh asks each supervisor to stop.
        let restarted = try #require(alpha.pids.last)
        #expect(alpha.supervisor.stop() == 0)
        #expect(beta.supervisor.stop() == 0)
        #expect(kill(restarted, 0) == -1, "the member stops with its supervisor")
        #expect(kill(betaPid, 0) == -1)
        #expect(alpha.terminal.contains("stopped after 1 restart(s)"), "\(alpha.terminal)")
    }

    @Test func aMemberThatKeepsFailingIsRestartedAfterLongerAndLongerPausesAndSaysWhy() async throws {
        let failing = try SupervisedMember.start("failing", script: "echo 'cannot reach the database'; exit 3")
        defer { failing.remove() }

        try await eventually(within: .seconds(60)) { failing.pids.count >= 4 }

        #expect(failing.supervisor.stop() == 0)
        let terminal = failing.terminal
        #expect(terminal.contains("exited unexpectedly (exit status 3)"), "\(terminal)")
        #expect(terminal.contains("cannot reach the database"), "\(terminal)")
        for pause in ["restart 1 in 1s", "restart 2 in 2s", "restart 3 in 4s"] {
            #expect(terminal.contains(pause), "\(terminal)")
        }
    }

    @Test func aMemberThatIgnoresSIGTERMIsKilledWhenTheStackStops() async throws {
        let stubborn = try SupervisedMember.start(
            "stubborn", script: "trap '' TERM; while :; do sleep 0.1; done", environment: ["STOP_TIMEOUT": "1"])
        defer { stubborn.remove() }
        try await eventually { stubborn.pids.count == 1 }

        stubborn.supervisor.signal(SIGTERM)

        #expect(try await stubborn.supervisor.waitForExit(within: .seconds(8)) == 0)
        #expect(stubborn.terminal.contains("did not stop within 1s of SIGTERM; killing it"), "\(stubborn.terminal)")
        #expect(kill(try #require(stubborn.pids.first), 0) == -1)
        #expect(!stubborn.terminal.contains("exited unexpectedly"))
    }
}

/// A fake member under its own supervisor, in a folder of its own: a bash script that first
/// writes its process id to the folder's `pids`, by default one that becomes Python's HTTP
/// server on a free port (`$1`).
private struct SupervisedMember {
    let name: String
    let folder: URL
    let port: Int
    let supervisor: BackgroundProcess

    static let supervise = TestEnvironment.packageRoot.appending(path: "deploy/local/supervise.sh").path
    static let httpServer = "exec python3 -m http.server \"$1\" --bind 127.0.0.1"

    static func start(_ name: String, script: String = httpServer, environment: [String: String] = [:]) throws -> SupervisedMember {
        let folder = FileManager.default.temporaryDirectory.appending(path: "supervised-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let port = try FreePorts.take()
        let member = ["bash", "-c", "echo \"$$\" >>\"$0\"; " + script, folder.appending(path: "pids").path, String(port)]
        let supervisor = try BackgroundProcess.start(
            supervise,
            ["--name", name, "--log", folder.appending(path: "\(name).log").path,
             "--ready-url", "http://127.0.0.1:\(port)/", "--"] + member,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            outputPath: folder.appending(path: "terminal").path)
        return SupervisedMember(name: name, folder: folder, port: port, supervisor: supervisor)
    }

    /// Stops the supervisor, if the test has not, and removes the folder.
    func remove() {
        supervisor.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// The process ids the member has had, in order.
    var pids: [pid_t] {
        let text = (try? String(contentsOf: folder.appending(path: "pids"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { pid_t($0) }
    }

    /// What the supervisor told the terminal.
    var terminal: String { supervisor.output }

    func answers() async -> Bool {
        let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/"), timeout: .seconds(2))
        return response?.status == .ok
    }
}
