import Foundation
import Hummingbird
import Shared

/// The administrators' endpoints under `/ai-orchestrator`: the catalog (providers, deployments,
/// aliases), budgets with their current spend, the live metrics, their history, and the
/// classifications of queries. Every route refuses callers who are not administrators (403).
///
/// ```swift
/// ManagementRoutes(catalog: catalog, budgets: keeper, monitor: monitor, classifications: log, cache: cache,
///                  settings: runtime.settings).add(to: router.group().requiringAuthentication())
/// ```
struct ManagementRoutes: Sendable {
    let catalog: CatalogStore
    let budgets: BudgetKeeper
    let monitor: RoutingMonitor
    let classifications: ClassificationLog
    let cache: RoutingCache
    /// Where provider keys are looked up, to say whether each is configured.
    let settings: Settings
    /// Extra live state for `GET /ai-orchestrator/metrics` (the router's breakers and load), under `routing`.
    let routingState: (@Sendable () async -> JSONValue)?

    init(catalog: CatalogStore, budgets: BudgetKeeper, monitor: RoutingMonitor, classifications: ClassificationLog,
         cache: RoutingCache, settings: Settings, routingState: (@Sendable () async -> JSONValue)? = nil) {
        self.catalog = catalog
        self.budgets = budgets
        self.monitor = monitor
        self.classifications = classifications
        self.cache = cache
        self.settings = settings
        self.routingState = routingState
    }

    /// Adds the routes to an authenticated group.
    func add(to group: RouterGroup<AppRequestContext>) {
        let admins = group.group("ai-orchestrator").add(middleware: AdministratorsOnlyMiddleware())
        addProviderRoutes(to: admins)
        addDeploymentRoutes(to: admins)
        addAliasRoutes(to: admins)
        addBudgetRoutes(to: admins)
        addMetricsRoutes(to: admins)
    }
}

/// Refuses every caller but administrators with 403 (401 without a token).
struct AdministratorsOnlyMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard principal.isAdmin else { throw Problem.forbidden("managing the AI orchestrator is for administrators") }
        return try await next(request, context)
    }
}
