import Foundation

/// The whole catalog at one moment: what the router reads on every call.
struct CatalogSnapshot: Sendable {
    let providers: [UUID: ProviderConfig]
    /// By name.
    let deployments: [String: Deployment]
    /// By name.
    let aliases: [String: Alias]
}
