import Foundation
import Synchronization

/// Hands out TCP ports for servers the tests start in other processes (PostgreSQL, Redis, the
/// fleet's executables).
///
/// Such a port is free when it is chosen but only taken when the child binds it, so two
/// things could grab it in between: an outgoing connection, whose local port the kernel draws
/// from its ephemeral range, and a second server started by a parallel test. Ports are
/// therefore drawn from below the ephemeral range, and never handed out twice in one test run
/// (which also keeps a pooled client connection to a stopped server from meeting its successor).
public enum FreePorts {
    private static let next = Mutex<Int>(firstCandidate())

    /// A port that nobody listens on now, outside the kernel's ephemeral range, not given before.
    public static func take() throws -> Int {
        for _ in 0..<1000 {
            let candidate = next.withLock { port in
                defer { port = port + 1 < ephemeralRange.lowerBound ? port + 1 : lowestPort }
                return port
            }
            if let probe = try? BoundSocket(port: candidate) {
                probe.close()
                return candidate
            }
        }
        throw LocalProcessError(command: "bind", output: "no free port below \(ephemeralRange.lowerBound)")
    }

    private static let lowestPort = 10_000

    /// The kernel's range for outgoing connections' local ports.
    private static let ephemeralRange: ClosedRange<Int> = {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        let bounds = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard bounds.count == 2, bounds[0] > lowestPort + 1_000, bounds[0] <= bounds[1] else { return 32_768...60_999 }
        return bounds[0]...bounds[1]
    }()

    /// A random start, so that two test runs on one machine rarely walk the same ports.
    private static func firstCandidate() -> Int {
        Int.random(in: lowestPort..<ephemeralRange.lowerBound)
    }
}
