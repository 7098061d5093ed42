import AsyncHTTPClient
import Configuration
import Foundation
import Hummingbird
import ServiceLifecycle
import Shared

/// Builds ai-orchestrator: the OpenAI-compatible API in front of many model deployments, with
/// routing by alias and strategy, fallbacks, retries and circuit breakers, budgets and rate
/// limits reserved before each call, a cache for repeatable requests, and the metrics of it all.
public func buildApplication(reader: ConfigReader) async throws -> some ApplicationProtocol {
    let runtime = try ServiceRuntime(name: "ai-orchestrator", reader: reader)
    let settings = try RoutingSettings(settings: runtime.settings)
    let database = try runtime.database(migrations: Migration.fromFiles(prefix: "orchestrator", EmbeddedFiles.migrationFiles))
    let redis = try runtime.redis()

    let catalog = CatalogStore(database: database)
    let budgets = BudgetKeeper(database: database, redis: redis, logger: runtime.logger)
    let cache = RoutingCache(database: database, ttl: settings.cacheLifetime, logger: runtime.logger)
    let monitor = RoutingMonitor(database: database, logger: runtime.logger)
    let classifications = ClassificationLog(database: database, logger: runtime.logger)
    [budgets as any Service, monitor, classifications].forEach(runtime.addService)

    let adapters = ProviderAdapters(httpClient: HTTPClient.shared, logger: runtime.logger)
    let breakers = DeploymentBreakers(failureThreshold: settings.breakerFailures, openDuration: settings.breakerOpen)
    let stats = LiveStats()
    let keys = ProviderKeys(settings: runtime.settings)
    let dispatcher = Dispatcher(
        adapters: adapters, breakers: breakers, stats: stats, monitor: monitor, keys: keys,
        retry: RetryPolicy(maxAttempts: settings.attemptsPerDeployment, baseDelay: .milliseconds(100), maxDelay: settings.longestRetryWait),
        longestRetryWait: settings.longestRetryWait, logger: runtime.logger)
    if let interval = settings.probeInterval {
        runtime.addService(HealthProbes(catalog: catalog, adapters: adapters, breakers: breakers, keys: keys, interval: interval,
                                        logger: runtime.logger))
    }

    let router = try runtime.makeRouter(openAPI: EmbeddedFiles.openAPI)
    // OpenAI's error shape wraps authentication too, so the SDKs read a refused key as they expect.
    let openAI = router.group("v1").add(middleware: OpenAIErrorMiddleware()).requiringAuthentication()
    OpenAIRoutes(catalog: catalog, dispatcher: dispatcher, budgets: budgets, cache: cache, classifications: classifications,
                 monitor: monitor, stats: stats, assumedCompletionTokens: settings.assumedCompletionTokens).add(to: openAI)
    let signedIn = router.group().requiringAuthentication()
    let breakerRoutes = BreakerRoutes(catalog: catalog, breakers: breakers, stats: stats)
    breakerRoutes.add(to: signedIn)
    ManagementRoutes(catalog: catalog, budgets: budgets, monitor: monitor, classifications: classifications, cache: cache,
                     settings: runtime.settings, routingState: { await breakerRoutes.state() }).add(to: signedIn)
    return runtime.makeApplication(router: router)
}
