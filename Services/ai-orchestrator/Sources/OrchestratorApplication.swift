import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// The stores and recorders the routes share.
struct OrchestratorParts: Sendable {
    let catalog: CatalogStore
    let budgets: BudgetKeeper
    let cache: RoutingCache
    let monitor: RoutingMonitor
    let classifications: ClassificationLog
}

/// ai-orchestrator's application: the runtime's, served as it is, with the parts behind its
/// routes kept beside it so that tests reach the same catalog, budgets, cache and monitor the
/// routes use (the live metrics and the cache's hit counts exist only in this process).
public struct OrchestratorApplication<Base: ApplicationProtocol>: ApplicationProtocol {
    public typealias Responder = Base.Responder

    let base: Base
    let parts: OrchestratorParts

    public var responder: Responder { get async throws { try await base.responder } }
    public var server: HTTPServerBuilder { base.server }
    public var eventLoopGroup: any EventLoopGroup { base.eventLoopGroup }
    public var configuration: ApplicationConfiguration { base.configuration }
    public var logger: Logger { base.logger }
    public var services: [any Service] { base.services }
    public var processesRunBeforeServerStart: [@Sendable () async throws -> Void] { base.processesRunBeforeServerStart }

    @Sendable public func onServerRunning(_ channel: any Channel) async {
        await base.onServerRunning(channel)
    }
}
