import Foundation

/// A PostgreSQL server of a test's own, for tests that stop or restart it; other tests share
/// the harness's server.
public final class PostgresServer: Sendable {
    /// The superuser URL.
    public let url: String
    /// The port it listens on.
    public let port: Int
    private let dataDirectory: String
    private let binDirectory: String

    private init(port: Int, dataDirectory: String, binDirectory: String) {
        self.port = port
        self.dataDirectory = dataDirectory
        self.binDirectory = binDirectory
        url = "postgres://postgres@127.0.0.1:\(port)/postgres"
    }

    /// Creates a cluster in a temporary folder and starts it.
    public static func start() async throws -> PostgresServer {
        let binDirectory = try LocalProcess.run("/usr/bin/env", ["pg_config", "--bindir"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let folder = "/tmp/azora-pg-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if getuid() == 0 { try LocalProcess.run("/bin/chown", ["postgres:postgres", folder]) }
        let dataDirectory = folder + "/data"
        try LocalProcess.run(
            binDirectory + "/initdb",
            ["-D", dataDirectory, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"],
            asPostgres: true)
        let server = PostgresServer(port: try LocalProcess.freePort(), dataDirectory: dataDirectory, binDirectory: binDirectory)
        try server.startServer()
        return server
    }

    /// Starts the server again after `stop()`.
    public func startServer() throws {
        try LocalProcess.run(
            binDirectory + "/pg_ctl",
            ["-D", dataDirectory, "-w", "-l", dataDirectory + "/../server.log",
             "-o", "-p \(port) -k \(dataDirectory)/.. -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
            asPostgres: true)
    }

    /// Stops the server; `mode` is `fast` (disconnect clients) or `immediate` (like a crash).
    public func stop(mode: String = "fast") throws {
        try LocalProcess.run(binDirectory + "/pg_ctl", ["-D", dataDirectory, "-w", "-m", mode, "stop"], asPostgres: true)
    }

    /// Stops the server and removes its files.
    public func destroy() {
        try? stop(mode: "immediate")
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: dataDirectory).deletingLastPathComponent().path)
    }
}
