import Hummingbird
import Synchronization

/// A named check of one dependency for `GET /health/ready`: it throws when the dependency does
/// not answer.
public struct ReadinessCheck: Sendable {
    /// The dependency's name in the report (`postgres`, `redis`).
    public let name: String
    /// The check itself.
    public let check: @Sendable () async throws -> Void

    /// Creates a check.
    public init(_ name: String, _ check: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.check = check
    }
}

/// The checks `/health/ready` runs, and the states of others it reports without depending on
/// them (the gateway lists each member's readiness); filled while the application is built.
final class ReadinessChecks: Sendable {
    private let checks = Mutex<[ReadinessCheck]>([])
    private let reports = Mutex<[@Sendable () async -> [String: String]]>([])

    func add(_ check: ReadinessCheck) {
        checks.withLock { $0.append(check) }
    }

    func addReport(_ report: @escaping @Sendable () async -> [String: String]) {
        reports.withLock { $0.append(report) }
    }

    var all: [ReadinessCheck] { checks.withLock { $0 } }

    /// The reported states, merged.
    func reported() async -> [String: String] {
        var merged: [String: String] = [:]
        for report in reports.withLock({ $0 }) {
            merged.merge(await report()) { $1 }
        }
        return merged
    }
}

/// `GET /health/live` (the process answers) and `GET /health/ready` (its dependencies answer),
/// public and cheap, for orchestrators and load balancers.
struct HealthController {
    let service: String
    let checks: ReadinessChecks
    let timeout: Duration

    struct Report: ResponseEncodable {
        let status: String
        let service: String
        let checks: [String: String]
        let services: [String: String]?
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/health/live") { _, _ in
            Report(status: "live", service: service, checks: [:], services: nil)
        }
        router.get("/health/ready") { _, _ in
            async let results = run()
            async let reported = checks.reported()
            let ready = await results.values.allSatisfy { $0 == "ok" }
            let services = await reported
            return EditedResponse(
                status: ready ? .ok : .serviceUnavailable,
                response: Report(status: ready ? "ready" : "unready", service: service, checks: await results,
                                 services: services.isEmpty ? nil : services))
        }
    }

    /// Runs every check at once, each bounded by the timeout; the report says `ok` or `failing`
    /// and never why, since the endpoint is public.
    private func run() async -> [String: String] {
        await withTaskGroup(of: (String, String).self) { group in
            for check in checks.all {
                group.addTask {
                    let passed = await withTimeout(timeout) { try await check.check() }
                    return (check.name, passed ? "ok" : "failing")
                }
            }
            var results: [String: String] = [:]
            for await (name, result) in group { results[name] = result }
            return results
        }
    }
}

/// Runs work with a time limit; `false` when it threw or ran out of time.
func withTimeout(_ timeout: Duration, _ work: @escaping @Sendable () async throws -> Void) async -> Bool {
    await withTaskGroup(of: Bool.self) { group in
        group.addTask { (try? await work()) != nil }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return false
        }
        let first = await group.next() ?? false
        group.cancelAll()
        return first
    }
}
