import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// `/ai-orchestrator/providers`: create, list, read, patch (a JSON merge patch; the name cannot
/// change) and delete the upstream accounts, found by name or id. Answers say whether each
/// provider's key setting is set in this process, never the key.
struct ProviderRoutes: Sendable {
    let catalog: CatalogStore
    /// Where provider keys are looked up, to say whether each is configured.
    let keys: ProviderKeys

    func add(to group: RouterGroup<AppRequestContext>) {
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
            let order = try MergePatch.apply(try await MergePatch.body(request, context: context),
                                             to: ProviderOrder(current.config), fixed: ["name"])
            return ProviderView(try await catalog.updateProvider(try order.config(id: current.config.id)), keys: keys)
        }
        group.delete("providers/:key") { _, context in
            try await catalog.deleteProvider(try context.parameters.require("key"))
            return HTTPResponse.Status.noContent
        }
    }
}
