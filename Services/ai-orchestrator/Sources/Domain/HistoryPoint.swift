import Foundation

/// One deployment's calls in one time bucket.
struct HistoryPoint: Codable, Sendable, Equatable {
    let bucketStart: Date
    let deployment: String
    let provider: String
    let requests: Int64
    let errors: Int64
    let cached: Int64
    let errorsByKind: [String: Int64]
    /// Of successful calls.
    let latencyMs: MonitorSnapshot.Percentiles
    let timeToFirstTokenMs: MonitorSnapshot.Percentiles
    let promptTokens: Int64
    let completionTokens: Int64
    let costMicros: Int64
}
