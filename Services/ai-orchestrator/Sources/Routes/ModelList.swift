import Foundation
import Hummingbird
import Shared

/// `GET /v1/models` in OpenAI's shape: every alias (owned by `azora`) and every enabled
/// deployment (owned by its provider), so clients can name either.
struct ModelList: ResponseEncodable, Sendable {
    struct Model: ResponseEncodable, Sendable {
        let id: String
        let object = "model"
        let created: Int
        let owned_by: String
    }

    let object = "list"
    let data: [Model]

    init(_ snapshot: CatalogSnapshot) {
        // Catalog entries carry no creation time the SDKs care about; a fixed epoch keeps the list stable.
        let aliases = snapshot.aliases.keys.sorted().map { Model(id: $0, created: 0, owned_by: "azora") }
        let deployments = snapshot.deployments.values
            .filter { deployment in deployment.enabled && snapshot.providers[deployment.providerId]?.enabled == true }
            .sorted { $0.name < $1.name }
            .map { Model(id: $0.name, created: 0, owned_by: snapshot.providers[$0.providerId]?.name ?? "unknown") }
        data = aliases + deployments
    }
}
