import Foundation
import Hummingbird
import Shared

/// The administrators' endpoints under `/ai-orchestrator`: the catalog (providers, deployments,
/// aliases), budgets with their current spend, the deployments' circuit breakers, the live
/// metrics, their history, and the classifications of queries. Every route refuses callers who
/// are not administrators (403).
///
/// ```swift
/// ManagementRoutes(catalog: catalog, budgets: keeper, monitor: monitor, classifications: log, cache: cache, keys: keys,
///                  breakers: breakerRoutes).add(to: router.group().requiringAuthentication())
/// ```
struct ManagementRoutes: Sendable {
    let catalog: CatalogStore
    let budgets: BudgetKeeper
    let monitor: RoutingMonitor
    let classifications: ClassificationLog
    let cache: RoutingCache
    /// Where provider keys are looked up, to say whether each is configured.
    let keys: ProviderKeys
    /// The breakers' routes, whose state `GET /ai-orchestrator/metrics` also shows under `routing`.
    let breakers: BreakerRoutes

    /// Adds the routes to an authenticated group.
    func add(to group: RouterGroup<AppRequestContext>) {
        let admins = group.group("ai-orchestrator").add(middleware: AdministratorsOnlyMiddleware())
        addProviderRoutes(to: admins)
        addDeploymentRoutes(to: admins)
        addAliasRoutes(to: admins)
        addBudgetRoutes(to: admins)
        addMetricsRoutes(to: admins)
        breakers.add(to: admins)
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
