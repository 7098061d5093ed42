import Foundation
import Testing

/// A Python script of `Tests/FleetTests/Python/`, run with the interpreter of the project's
/// virtualenv, which `make test` fills with the test tooling (AZORA_PYTHON).
struct PythonScript {
    let path: String

    /// - Parameter name: the script's path under `Python/`.
    init(_ name: String) {
        path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Python/\(name)").path
    }

    /// Runs the script with `environment` (and the caller's PATH), and answers its exit status
    /// and everything it printed.
    func run(environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let python = try #require(ProcessInfo.processInfo.environment["AZORA_PYTHON"],
                                  "AZORA_PYTHON is not set: run the tests with `make test`, which installs the test tooling")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [path]
        process.environment = environment.merging(["PATH": ProcessInfo.processInfo.environment["PATH"] ?? ""]) { old, _ in old }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}
