import Foundation
import Synchronization

/// A program a test runs in the background (a fleet executable, a script of the local stack),
/// its standard output and error going to a file, started with no signal blocked.
public final class BackgroundProcess: Sendable {
    /// The program's process id.
    public let pid: pid_t
    /// Where its standard output and error go.
    public let outputPath: String
    private let exitCode = Mutex<Int32?>(nil)

    private init(pid: pid_t, outputPath: String) {
        self.pid = pid
        self.outputPath = outputPath
    }

    /// Starts a program.
    /// - Parameters:
    ///   - executable: a path, or a name looked up in `PATH`.
    ///   - arguments: its arguments.
    ///   - environment: its whole environment; the test runner's when `nil`.
    ///   - outputPath: the file its output is appended to; a new temporary file when `nil`.
    /// - Throws: when the program cannot be started.
    public static func start(_ executable: String, _ arguments: [String] = [], environment: [String: String]? = nil,
                             outputPath: String? = nil) throws -> BackgroundProcess
    {
        let name = URL(fileURLWithPath: executable).lastPathComponent
        let path = outputPath
            ?? FileManager.default.temporaryDirectory.appending(path: "\(name)-\(UUID().uuidString.prefix(8)).log").path
        let pid = try LocalProcess.spawn(executable, arguments, outputPath: path, environment: environment)
        return BackgroundProcess(pid: pid, outputPath: path)
    }

    /// What the program has printed so far.
    public var output: String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// Sends a signal (SIGTERM by default).
    public func signal(_ signal: Int32 = SIGTERM) {
        kill(pid, signal)
    }

    /// The exit code, if a wait has already seen the program end (it may have ended since).
    public var exitCodeSeen: Int32? {
        exitCode.withLock { $0 }
    }

    /// The exit code (128 + n for a signal n, as shells write it) if the program has ended,
    /// `nil` while it runs.
    public func exitCodeIfEnded() -> Int32? {
        if let code = exitCode.withLock({ $0 }) { return code }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        return record(status)
    }

    /// Waits for the program to end and returns its exit code.
    public func waitForExit() -> Int32 {
        if let code = exitCode.withLock({ $0 }) { return code }
        return record(LocalProcess.wait(for: pid))
    }

    /// Waits up to `limit` for the program to end.
    /// - Returns: its exit code, or `nil` if it still runs.
    public func waitForExit(within limit: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let code = exitCodeIfEnded() { return code }
            try await Task.sleep(for: .milliseconds(20))
        }
        return exitCodeIfEnded()
    }

    /// Stops the program (SIGTERM, then SIGKILL after 10 seconds) and returns its exit code.
    @discardableResult
    public func stop() -> Int32 {
        if let code = exitCodeIfEnded() { return code }
        signal(SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let code = exitCodeIfEnded() { return code }
            usleep(20_000)
        }
        signal(SIGKILL)
        return waitForExit()
    }

    private func record(_ waitStatus: Int32) -> Int32 {
        let code = waitStatus & 0x7f == 0 ? (waitStatus >> 8) & 0xff : 128 + (waitStatus & 0x7f)
        exitCode.withLock { $0 = code }
        return code
    }
}
