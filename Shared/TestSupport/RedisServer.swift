import Foundation
import Synchronization

/// A Redis server of a test's own, for tests that stop and restart it.
public final class RedisServer: Sendable {
    /// Its URL.
    public let url: String
    /// The port it listens on.
    public let port: Int
    private let process = Mutex<pid_t?>(nil)

    private init(port: Int) {
        self.port = port
        url = "redis://127.0.0.1:\(port)"
    }

    /// Starts a server on a free port, without persistence.
    public static func start() async throws -> RedisServer {
        let server = RedisServer(port: try LocalProcess.freePort())
        try await server.startServer()
        return server
    }

    /// Starts the server (again, after `stop()`) and waits until it answers.
    public func startServer() async throws {
        let pid = try LocalProcess.spawn(
            "redis-server",
            ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
            outputPath: "/dev/null")
        process.withLock { $0 = pid }
        for _ in 0..<100 {
            if (try? LocalProcess.run("/usr/bin/env", ["redis-cli", "-p", String(port), "PING"]))?.contains("PONG") == true {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw LocalProcessError(command: "redis-server --port \(port)", output: "did not answer PING")
    }

    /// Stops the server and waits until it has exited.
    public func stop() {
        guard let pid = process.withLock({ $0.take() }) else { return }
        kill(pid, SIGTERM)
        LocalProcess.wait(for: pid)
    }
}
