import Foundation
import Shared

/// The monitor's JSON view: per provider, deployment and alias, totals since the process
/// started and percentiles over the last `windowSize` successful calls. Each replica reports
/// its own traffic; `routing_metrics` holds everyone's.
struct MonitorSnapshot: Codable, Sendable, Equatable {
    /// p50/p95/p99 in milliseconds; nil without samples.
    struct Percentiles: Codable, Sendable, Equatable {
        let p50: Double?
        let p95: Double?
        let p99: Double?
    }

    struct Tokens: Codable, Sendable, Equatable {
        let input: Int64
        let output: Int64
    }

    /// One provider's, deployment's or alias's numbers.
    struct Stats: Codable, Sendable, Equatable {
        let name: String
        /// Every call recorded, answered or not, cached or not.
        let requests: Int64
        let errors: Int64
        /// Failed calls by `ProviderError.kind`.
        let errorsByKind: [String: Int64]
        /// Answers from the routing cache.
        let cached: Int64
        /// Of successful upstream calls.
        let latencyMs: Percentiles
        /// Of successful streams, until the first chunk.
        let timeToFirstTokenMs: Percentiles
        let tokens: Tokens
        let costMicros: Int64
    }

    let since: Date
    let generatedAt: Date
    let windowSize: Int
    let providers: [Stats]
    let deployments: [Stats]
    let aliases: [Stats]
}
