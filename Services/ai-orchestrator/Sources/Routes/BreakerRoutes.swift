import Foundation
import Hummingbird
import Shared

/// `/ai-orchestrator/breakers`: the deployments' circuit breakers, for administrators: each
/// one's state, failures in a row, how long ago it opened, and the last health probe; and a
/// reset that closes one by hand.
struct BreakerRoutes: Sendable {
    let catalog: CatalogStore
    let breakers: DeploymentBreakers
    let stats: LiveStats

    struct BreakerView: ResponseEncodable, Sendable {
        let deployment: String
        let state: CircuitBreaker.State
        let consecutiveFailures: Int
        let openedSecondsAgo: Double?
        let inFlight: Int
        let latencySeconds: Double?
        let lastProbe: DeploymentBreakers.ProbeResult?
    }

    struct BreakerList: ResponseEncodable, Sendable {
        let items: [BreakerView]
    }

    func add(to group: RouterGroup<AppRequestContext>) {
        group.get("breakers") { _, _ in
            let names = try await catalog.snapshot().deployments.keys.sorted()
            return BreakerList(items: names.map(view))
        }
        group.post("breakers/:deployment/reset") { _, context in
            let name = try context.parameters.require("deployment")
            guard try await catalog.snapshot().deployments[name] != nil else { throw Problem.notFound("deployment", id: name) }
            breakers.breaker(name).reset()
            return view(name)
        }
    }

    /// Every deployment's breaker as JSON, for `GET /ai-orchestrator/metrics`.
    func state() async -> JSONValue {
        guard let names = try? await catalog.snapshot().deployments.keys.sorted(),
              let views = try? JSONValue.from(names.map(view)) else { return .null }
        return ["breakers": views]
    }

    private func view(_ name: String) -> BreakerView {
        let snapshot = breakers.breaker(name).snapshot
        return BreakerView(deployment: name, state: snapshot.state, consecutiveFailures: snapshot.consecutiveFailures,
                           openedSecondsAgo: snapshot.openedSecondsAgo, inFlight: stats.inFlight(name),
                           latencySeconds: stats.latency(name), lastProbe: breakers.lastProbe(name))
    }
}
