import Configuration
import Foundation
import Hummingbird
import ServiceLifecycle
import Shared

/// Builds ai-orchestrator: the OpenAI-compatible API in front of many model deployments, with
/// routing by alias and strategy, fallbacks, retries and circuit breakers, budgets and rate
/// limits reserved before each call, a cache for repeatable requests, and the metrics of it all.
/// Each connection is served on its own event loop: the handlers mostly relay to an upstream,
/// and not changing threads saves a quarter or more of each call's CPU (see the README's
/// Performance section).
public func buildApplication(reader: ConfigReader) async throws -> OrchestratorApplication<some ApplicationProtocol> {
    let runtime = try ServiceRuntime(name: "ai-orchestrator", reader: reader)
    let settings = try RoutingSettings(settings: runtime.settings)
    let database = try runtime.database(migrations: Migration.fromFiles(prefix: "orchestrator", EmbeddedFiles.migrationFiles))
    let redis = try runtime.redis()

    let parts = OrchestratorParts(
        catalog: CatalogStore(database: database),
        budgets: BudgetKeeper(database: database, redis: redis, logger: runtime.logger),
        cache: RoutingCache(database: database, ttl: settings.cacheLifetime, logger: runtime.logger),
        monitor: RoutingMonitor(database: database, logger: runtime.logger),
        classifications: ClassificationLog(database: database, logger: runtime.logger))
    [parts.budgets as any Service, parts.monitor, parts.classifications].forEach(runtime.addService)

    let adapters = ProviderAdapters(httpClient: PeerHTTPClient.shared, logger: runtime.logger)
    let breakers = DeploymentBreakers(failureThreshold: settings.breakerFailures, openDuration: settings.breakerOpen)
    let stats = LiveStats()
    let keys = ProviderKeys(settings: runtime.settings)
    let dispatcher = Dispatcher(
        adapters: adapters, breakers: breakers, stats: stats, monitor: parts.monitor, keys: keys,
        retry: RetryPolicy(maxAttempts: settings.attemptsPerDeployment, baseDelay: .milliseconds(100), maxDelay: settings.longestRetryWait),
        logger: runtime.logger)
    if let interval = settings.probeInterval {
        runtime.addService(HealthProbes(catalog: parts.catalog, adapters: adapters, breakers: breakers, keys: keys, interval: interval,
                                        logger: runtime.logger))
    }

    let router = try runtime.makeRouter(openAPI: EmbeddedFiles.openAPI)
    // OpenAI's error shape wraps authentication too, so the SDKs read a refused key as they expect.
    let openAI = router.group("v1").add(middleware: OpenAIErrorMiddleware()).requiringAuthentication()
    OpenAIRoutes(catalog: parts.catalog, dispatcher: dispatcher, budgets: parts.budgets, cache: parts.cache,
                 classifications: parts.classifications, monitor: parts.monitor, stats: stats,
                 assumedCompletionTokens: settings.assumedCompletionTokens).add(to: openAI)

    let admins = router.group().requiringAuthentication().group("ai-orchestrator").add(middleware: AdministratorsOnlyMiddleware())
    let breakerRoutes = BreakerRoutes(catalog: parts.catalog, breakers: breakers, stats: stats)
    ProviderRoutes(catalog: parts.catalog, keys: keys).add(to: admins)
    DeploymentRoutes(catalog: parts.catalog).add(to: admins)
    AliasRoutes(catalog: parts.catalog).add(to: admins)
    BudgetRoutes(budgets: parts.budgets).add(to: admins)
    MetricsRoutes(monitor: parts.monitor, cache: parts.cache, breakers: breakerRoutes).add(to: admins)
    ClassificationRoutes(classifications: parts.classifications).add(to: admins)
    breakerRoutes.add(to: admins)
    return OrchestratorApplication(base: runtime.makeApplication(router: router, onConnectionLoops: true), parts: parts)
}
