import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Foundation
import Synchronization

/// One of the fleet's real executables, started by a test with the environment it chooses.
public final class FleetProcess: Sendable {
    /// The member's name.
    public let name: String
    /// The port it listens on.
    public let port: Int
    /// Where its standard output and error go.
    public let outputPath: String
    private let pid: pid_t
    private let exitStatus = Mutex<Int32?>(nil)

    /// Its base URL.
    public var url: String { "http://127.0.0.1:\(port)" }

    private init(name: String, port: Int, outputPath: String, pid: pid_t) {
        self.name = name
        self.port = port
        self.outputPath = outputPath
        self.pid = pid
    }

    /// Starts an executable from the build folder on a free port and waits until it answers
    /// `/health/live` (or has exited).
    /// - Parameters:
    ///   - name: the executable, e.g. `gateway`.
    ///   - environment: its settings; `PORT` is chosen unless given.
    ///   - waitUntilLive: whether to wait for `/health/live`.
    public static func start(_ name: String, environment: [String: String], waitUntilLive: Bool = true) async throws
        -> FleetProcess
    {
        let port = try environment["PORT"].flatMap(Int.init) ?? LocalProcess.freePort()
        var variables = environment
        variables["PORT"] = String(port)
        variables["PATH"] = ProcessInfo.processInfo.environment["PATH"]
        let outputPath = FileManager.default.temporaryDirectory.appending(path: "\(name)-\(UUID().uuidString.prefix(8)).log").path
        let executable = TestEnvironment.binDirectory.appending(path: name).path
        let pid = try LocalProcess.spawn(executable, [], outputPath: outputPath, environment: variables)
        let process = FleetProcess(name: name, port: port, outputPath: outputPath, pid: pid)
        if waitUntilLive { try await process.waitUntilLive() }
        return process
    }

    /// What the process has printed so far.
    public var output: String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// Sends a signal (SIGTERM by default).
    public func signal(_ signal: Int32 = SIGTERM) {
        kill(pid, signal)
    }

    /// Waits for the process to exit and returns its exit code (128 + n for a signal n).
    public func waitForExit() -> Int32 {
        if let status = exitStatus.withLock({ $0 }) { return status }
        let code = Self.exitCode(waitStatus: LocalProcess.wait(for: pid))
        exitStatus.withLock { $0 = code }
        return code
    }

    /// Stops the process (SIGTERM, then SIGKILL after a while) and waits for it. A process that
    /// had already ended by itself (a crash, say) has its output printed, since the test that
    /// started it sees only refused or cut-off connections.
    public func stop() {
        guard exitStatus.withLock({ $0 }) == nil else { return }
        var early: Int32 = 0
        if waitpid(pid, &early, WNOHANG) == pid {
            let code = Self.exitCode(waitStatus: early)
            exitStatus.withLock { $0 = code }
            print("\(name) (port \(port)) ended by itself with exit code \(code) before its test stopped it; it printed:\n\(output)")
            return
        }
        signal(SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                exitStatus.withLock { $0 = Self.exitCode(waitStatus: status) }
                return
            }
            usleep(20_000)
        }
        signal(SIGKILL)
        _ = waitForExit()
    }

    /// The exit code in a `waitpid` status, 128 + n for a signal n as shells write it.
    private static func exitCode(waitStatus status: Int32) -> Int32 {
        status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    private func waitUntilLive() async throws {
        for _ in 0..<300 {
            if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url + "/health/live"), timeout: .seconds(1)),
                response.status == .ok
            {
                return
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                exitStatus.withLock { $0 = Self.exitCode(waitStatus: status) }
                throw LocalProcessError(command: name, output: output)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw LocalProcessError(command: name, output: "did not answer /health/live: \(output)")
    }
}
