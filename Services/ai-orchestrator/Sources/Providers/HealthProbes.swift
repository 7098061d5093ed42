import Foundation
import Logging
import ServiceLifecycle
import Shared

/// Calls every enabled deployment's probe now and then. A failing probe counts against the
/// deployment's breaker like a failed call, so a dead deployment is skipped before a client
/// waits for it; a passing probe closes a breaker that is open, so a recovered deployment gets
/// traffic again without waiting for a trial call.
struct HealthProbes: Service {
    let catalog: CatalogStore
    let adapters: ProviderAdapters
    let breakers: DeploymentBreakers
    let keys: ProviderKeys
    let interval: Duration
    let logger: Logger

    /// Probes every `interval` until graceful shutdown, which also ends the wait between rounds.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                await probeAll()
            }
        }
    }

    func probeAll() async {
        guard let snapshot = try? await catalog.snapshot() else { return }
        await withTaskGroup(of: Void.self) { group in
            for deployment in snapshot.deployments.values where deployment.enabled {
                guard let provider = snapshot.providers[deployment.providerId], provider.enabled else { continue }
                group.addTask { await probe(deployment, provider) }
            }
        }
    }

    private func probe(_ deployment: Deployment, _ provider: ProviderConfig) async {
        let breaker = breakers.breaker(deployment.name)
        do {
            try await adapters.adapter(for: provider.kind).probe(deployment, provider: provider, apiKey: keys.key(for: provider))
            if breaker.snapshot.state != .closed { logger.info("probe passed; closing the breaker", metadata: ["deployment": "\(deployment.name)"]) }
            breaker.recordSuccess()
            breakers.recordProbe(deployment.name, .init(at: Date(), ok: true, error: nil))
        } catch {
            breaker.recordFailure()
            breakers.recordProbe(deployment.name, .init(at: Date(), ok: false, error: "\(error)"))
            logger.warning("probe failed", metadata: ["deployment": "\(deployment.name)", "error": "\(error)"])
        }
    }
}
