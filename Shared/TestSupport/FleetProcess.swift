import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Foundation

/// One of the fleet's real executables, started by a test with the environment it chooses.
public final class FleetProcess: Sendable {
    /// The member's name.
    public let name: String
    /// The port it listens on.
    public let port: Int
    private let process: BackgroundProcess

    /// Its base URL.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Where its standard output and error go.
    public var outputPath: String { process.outputPath }

    private init(name: String, port: Int, process: BackgroundProcess) {
        self.name = name
        self.port = port
        self.process = process
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
        let executable = TestEnvironment.binDirectory.appending(path: name).path
        let process = FleetProcess(name: name, port: port,
                                   process: try BackgroundProcess.start(executable, environment: variables))
        if waitUntilLive { try await process.waitUntilLive() }
        return process
    }

    /// What the process has printed so far.
    public var output: String { process.output }

    /// Sends a signal (SIGTERM by default).
    public func signal(_ signal: Int32 = SIGTERM) {
        process.signal(signal)
    }

    /// Waits for the process to exit and returns its exit code (128 + n for a signal n).
    public func waitForExit() -> Int32 {
        process.waitForExit()
    }

    /// Stops the process (SIGTERM, then SIGKILL after a while) and waits for it. A process that
    /// had already ended by itself (a crash, say) has its output printed, since the test that
    /// started it sees only refused or cut-off connections.
    public func stop() {
        guard process.exitCodeSeen == nil else { return }
        if let code = process.exitCodeIfEnded() {
            print("\(name) (port \(port)) ended by itself with exit code \(code) before its test stopped it; it printed:\n\(output)")
            return
        }
        process.stop()
    }

    private func waitUntilLive() async throws {
        for _ in 0..<300 {
            if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url + "/health/live"), timeout: .seconds(1)),
                response.status == .ok
            {
                return
            }
            if process.exitCodeIfEnded() != nil {
                throw LocalProcessError(command: name, output: output)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw LocalProcessError(command: name, output: "did not answer /health/live: \(output)")
    }
}
