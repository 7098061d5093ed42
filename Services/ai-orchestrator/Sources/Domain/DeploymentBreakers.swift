import Foundation
import Shared
import Synchronization

/// One circuit breaker per deployment, created on first use, readable and resettable through
/// the management API so that an operator sees why a deployment gets no traffic. The health
/// probe's last result is kept beside it.
final class DeploymentBreakers: Sendable {
    struct ProbeResult: Sendable, Codable, Equatable {
        let at: Date
        let ok: Bool
        let error: String?
    }

    private let failureThreshold: Int
    private let openDuration: Duration
    private let breakers = Mutex<[String: CircuitBreaker]>([:])
    private let probes = Mutex<[String: ProbeResult]>([:])

    init(failureThreshold: Int, openDuration: Duration) {
        self.failureThreshold = failureThreshold
        self.openDuration = openDuration
    }

    func breaker(_ deployment: String) -> CircuitBreaker {
        breakers.withLock { breakers in
            if let breaker = breakers[deployment] { return breaker }
            let breaker = CircuitBreaker(failureThreshold: failureThreshold, openDuration: openDuration)
            breakers[deployment] = breaker
            return breaker
        }
    }

    func recordProbe(_ deployment: String, _ result: ProbeResult) {
        probes.withLock { $0[deployment] = result }
    }

    func lastProbe(_ deployment: String) -> ProbeResult? {
        probes.withLock { $0[deployment] }
    }
}
