import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// `/ai-orchestrator/aliases`: create, list, read, patch (a JSON merge patch; the name cannot
/// change) and delete the names clients use as `model`, found by name.
struct AliasRoutes: Sendable {
    let catalog: CatalogStore

    func add(to group: RouterGroup<AppRequestContext>) {
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
            let order = try MergePatch.apply(try await MergePatch.body(request, context: context),
                                             to: AliasOrder(current.alias), fixed: ["name"])
            return AliasView(try await catalog.saveAlias(try order.alias(), replacing: true))
        }
        group.delete("aliases/:name") { _, context in
            try await catalog.deleteAlias(try context.parameters.require("name"))
            return HTTPResponse.Status.noContent
        }
    }
}
