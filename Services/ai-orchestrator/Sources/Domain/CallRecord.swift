import Foundation

/// One routed call as the monitor records it: which deployment answered (or failed), how fast,
/// with how many tokens, at what cost.
struct CallRecord: Sendable {
    let requestId: String
    let userId: UUID?
    /// The alias the client named, nil when it named a deployment.
    let alias: String?
    let deployment: String
    /// The provider's name.
    let provider: String
    let stream: Bool
    /// "ok", a `ProviderError.kind`, or "cached" for an answer from the routing cache.
    let outcome: String
    let latency: Duration
    /// Streams only: until the first chunk.
    let timeToFirstToken: Duration?
    let usage: TokenUsage
    let costMicros: Int64
    let at: Date

    /// Whether the call failed (anything but an answer, fresh or cached).
    var failed: Bool { outcome != "ok" && outcome != "cached" }
}
