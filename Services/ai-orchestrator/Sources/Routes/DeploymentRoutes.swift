import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// `/ai-orchestrator/deployments`: create, list, read, patch (a JSON merge patch; the name cannot
/// change) and delete models at providers, found by name or id.
struct DeploymentRoutes: Sendable {
    let catalog: CatalogStore

    func add(to group: RouterGroup<AppRequestContext>) {
        group.post("deployments") { request, context in
            let order = try await request.decode(as: DeploymentOrder.self, context: context)
            let deployment = try order.deployment(id: UUIDv7.make(), providerId: try await catalog.providerId(order.provider))
            return EditedResponse(status: .created, response: DeploymentView(try await catalog.createDeployment(deployment)))
        }
        group.get("deployments") { request, _ in
            let page = try PageRequest(request, defaultLimit: 50, maxLimit: 200)
            let rows = try await catalog.deployments(after: try page.decodeCursor(String.self), limit: page.limit)
            return Page(items: rows.map(DeploymentView.init), limit: page.limit) { $0.name }
        }
        group.get("deployments/:key") { _, context in
            DeploymentView(try await catalog.deployment(try context.parameters.require("key")))
        }
        group.patch("deployments/:key") { request, context in
            let current = try await catalog.deployment(try context.parameters.require("key"))
            let order = try MergePatch.apply(try await MergePatch.body(request, context: context),
                                             to: DeploymentOrder(current), fixed: ["name"])
            let deployment = try order.deployment(id: current.deployment.id, providerId: try await catalog.providerId(order.provider))
            return DeploymentView(try await catalog.updateDeployment(deployment))
        }
        group.delete("deployments/:key") { _, context in
            try await catalog.deleteDeployment(try context.parameters.require("key"))
            return HTTPResponse.Status.noContent
        }
    }
}
