import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// `/ai-orchestrator/providers`, `/deployments` and `/aliases`: create, list, read, patch (a
/// JSON merge patch; names cannot change) and delete. Providers and deployments are found by
/// name or id, aliases by name.
extension ManagementRoutes {
    func addProviderRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("providers") { request, context in
            let order = try await request.decode(as: ProviderOrder.self, context: context)
            let saved = try await catalog.createProvider(try order.config(id: UUIDv7.make()))
            return EditedResponse(status: .created, response: ProviderView(saved, keys: keys))
        }
        group.get("providers") { request, _ in
            let page = try PageRequest(request, defaultLimit: 50, maxLimit: 200)
            let rows = try await catalog.providers(after: try page.decodeCursor(String.self), limit: page.limit)
            return Page(items: rows.map { ProviderView($0, keys: keys) }, limit: page.limit) { $0.name }
        }
        group.get("providers/:key") { _, context in
            ProviderView(try await catalog.provider(try context.parameters.require("key")), keys: keys)
        }
        group.patch("providers/:key") { request, context in
            let current = try await catalog.provider(try context.parameters.require("key"))
            let order = try ManagementPatch.apply(try await ManagementPatch.body(request, context: context),
                                                  to: ProviderOrder(current.config), fixed: ["name"])
            return ProviderView(try await catalog.updateProvider(try order.config(id: current.config.id)), keys: keys)
        }
        group.delete("providers/:key") { _, context in
            try await catalog.deleteProvider(try context.parameters.require("key"))
            return HTTPResponse.Status.noContent
        }
    }

    func addDeploymentRoutes(to group: RouterGroup<AppRequestContext>) {
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
            let order = try ManagementPatch.apply(try await ManagementPatch.body(request, context: context),
                                                  to: DeploymentOrder(current), fixed: ["name"])
            let deployment = try order.deployment(id: current.deployment.id, providerId: try await catalog.providerId(order.provider))
            return DeploymentView(try await catalog.updateDeployment(deployment))
        }
        group.delete("deployments/:key") { _, context in
            try await catalog.deleteDeployment(try context.parameters.require("key"))
            return HTTPResponse.Status.noContent
        }
    }

    func addAliasRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("aliases") { request, context in
            let order = try await request.decode(as: AliasOrder.self, context: context)
            return EditedResponse(status: .created, response: AliasView(try await catalog.saveAlias(try order.alias(), replacing: false)))
        }
        group.get("aliases") { request, _ in
            let page = try PageRequest(request, defaultLimit: 50, maxLimit: 200)
            let rows = try await catalog.aliases(after: try page.decodeCursor(String.self), limit: page.limit)
            return Page(items: rows.map(AliasView.init), limit: page.limit) { $0.name }
        }
        group.get("aliases/:name") { _, context in
            AliasView(try await catalog.alias(try context.parameters.require("name")))
        }
        group.patch("aliases/:name") { request, context in
            let current = try await catalog.alias(try context.parameters.require("name"))
            let order = try ManagementPatch.apply(try await ManagementPatch.body(request, context: context),
                                                  to: AliasOrder(current.alias), fixed: ["name"])
            return AliasView(try await catalog.saveAlias(try order.alias(), replacing: true))
        }
        group.delete("aliases/:name") { _, context in
            try await catalog.deleteAlias(try context.parameters.require("name"))
            return HTTPResponse.Status.noContent
        }
    }
}
