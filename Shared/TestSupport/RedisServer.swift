import Foundation
import Synchronization

/// A Redis server of a test's own, for tests that stop, kill and restart it.
public final class RedisServer: Sendable {
    /// Its URL.
    public let url: String
    /// The port it listens on.
    public let port: Int
    /// The folder that holds its files (the append-only file, with the fleet's settings).
    public let folder: URL
    private let fleetSettings: Bool
    private let process = Mutex<pid_t?>(nil)

    /// The settings the fleet runs Redis with (`make run`, compose, Kubernetes).
    public static let fleetConfiguration = TestEnvironment.packageRoot.appending(path: "deploy/redis/redis.conf")

    private init(port: Int, fleetSettings: Bool) {
        self.port = port
        self.fleetSettings = fleetSettings
        url = "redis://127.0.0.1:\(port)"
        folder = FileManager.default.temporaryDirectory.appending(path: "redis-\(port)-\(UUID().uuidString.prefix(8))")
    }

    /// Starts a server on a free port.
    /// - Parameter fleetSettings: with `deploy/redis/redis.conf`, the settings the fleet runs
    ///   Redis with (the append-only file); else without persistence.
    public static func start(fleetSettings: Bool = false) async throws -> RedisServer {
        let server = RedisServer(port: try LocalProcess.freePort(), fleetSettings: fleetSettings)
        try FileManager.default.createDirectory(at: server.folder, withIntermediateDirectories: true)
        try await server.startServer()
        return server
    }

    /// Starts the server (again, after `stop()` or `kill()`) on its files and waits until it answers.
    public func startServer() async throws {
        let settings = fleetSettings ? [Self.fleetConfiguration.path] : ["--save", "", "--appendonly", "no"]
        let pid = try LocalProcess.spawn(
            "redis-server",
            settings + ["--port", String(port), "--bind", "127.0.0.1", "--daemonize", "no", "--dir", folder.path],
            outputPath: folder.appending(path: "redis.log").path)
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
        end(with: SIGTERM)
    }

    /// Kills the server as a crash would (SIGKILL: no chance to flush or save anything) and
    /// waits until it has exited.
    public func kill() {
        end(with: SIGKILL)
    }

    /// Stops the server and removes its files.
    public func discard() {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

    private func end(with signal: Int32) {
        guard let pid = process.withLock({ $0.take() }) else { return }
        Foundation.kill(pid, signal)
        LocalProcess.wait(for: pid)
    }
}
