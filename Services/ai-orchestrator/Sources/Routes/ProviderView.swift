import Foundation
import Hummingbird
import Shared

/// A provider as administrators see it: where it is and which setting holds its key, and
/// whether that setting is set in this process's environment. Never the key.
struct ProviderView: Codable, Sendable, ResponseEncodable {
    let id: UUID
    let name: String
    let kind: ProviderKind
    let baseUrl: String
    let credentialSetting: String?
    let credentialConfigured: Bool
    let apiVersion: String?
    let timeoutSeconds: Int
    let enabled: Bool
    let createdAt: Date
    let updatedAt: Date

    init(_ row: ProviderRow, keys: ProviderKeys) {
        let config = row.config
        id = config.id
        name = config.name
        kind = config.kind
        baseUrl = config.baseURL
        credentialSetting = config.credentialSetting
        credentialConfigured = keys.isConfigured(config)
        apiVersion = config.apiVersion
        timeoutSeconds = config.timeoutSeconds
        enabled = config.enabled
        createdAt = row.createdAt
        updatedAt = row.updatedAt
    }
}
