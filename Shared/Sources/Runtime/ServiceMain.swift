import Configuration
import Foundation
import Hummingbird
import Logging

/// The few lines of every executable's `main`: set up JSON logging, read the environment, build
/// the application, run it until SIGTERM or SIGINT. A process that cannot start (a malformed
/// setting, an unreachable database, a failed migration) prints one line saying why and exits 1.
public enum ServiceMain {
    /// Builds and runs an application.
    /// - Parameters:
    ///   - name: the fleet member's name, for the log lines.
    ///   - build: the service's `buildApplication(reader:)`.
    public static func run<App: ApplicationProtocol>(
        _ name: String, _ build: (ConfigReader) async throws -> App
    ) async -> Never {
        let environment = ProcessInfo.processInfo.environment
        let level = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, service: name, level: level) }
        do {
            let application = try await build(ConfigReader(provider: EnvironmentVariablesProvider()))
            try await application.runService()
            exit(0)
        } catch {
            FileHandle.standardError.write(Data("\(name): cannot start: \(error)\n".utf8))
            exit(1)
        }
    }
}
