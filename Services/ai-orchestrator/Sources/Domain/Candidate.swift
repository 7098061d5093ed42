import Foundation

/// A deployment that may take a call, with its provider and its weight in the alias.
struct Candidate: Sendable {
    let deployment: Deployment
    let provider: ProviderConfig
    let weight: Int
}
