import Foundation
import Hummingbird

/// A deployment as stored, with its provider's name and when it was made and last changed.
struct DeploymentView: Encodable, Sendable, ResponseEncodable {
    let row: DeploymentRow
    var name: String { row.deployment.name }

    init(_ row: DeploymentRow) {
        self.row = row
    }

    private enum Added: String, CodingKey { case provider, createdAt, updatedAt }

    func encode(to encoder: any Encoder) throws {
        // The deployment's own members, and the view's beside them in the same object.
        try row.deployment.encode(to: encoder)
        var added = encoder.container(keyedBy: Added.self)
        try added.encode(row.providerName, forKey: .provider)
        try added.encode(row.createdAt, forKey: .createdAt)
        try added.encode(row.updatedAt, forKey: .updatedAt)
    }
}
