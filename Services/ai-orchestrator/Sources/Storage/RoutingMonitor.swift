import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Shared
import Synchronization

/// Watches every routed call three ways: swift-metrics series for `/metrics` (labelled by
/// provider, deployment and alias), in-memory windows for the JSON percentiles of
/// `/ai-orchestrator/metrics`, and a row per call in `routing_metrics` for history.
///
/// `record` never waits for the database: rows are queued and written in batches by `run` (the
/// monitor is a `Service`; add it after the database so that it stops first and writes what is
/// queued on the way out). See `BatchWriter` for what can be lost.
final class RoutingMonitor: Service, Sendable {
    private struct Series {
        var requests: Int64 = 0
        var errorsByKind: [String: Int64] = [:]
        var cached: Int64 = 0
        var latency: LatencySamples
        var timeToFirstToken: LatencySamples
        var inputTokens: Int64 = 0
        var outputTokens: Int64 = 0
        var costMicros: Int64 = 0

        init(windowSize: Int) {
            latency = LatencySamples(capacity: windowSize)
            timeToFirstToken = LatencySamples(capacity: windowSize)
        }

        mutating func add(_ record: CallRecord) {
            requests += 1
            if record.outcome == "cached" { cached += 1 }
            if record.failed { errorsByKind[record.outcome, default: 0] += 1 }
            if record.outcome == "ok" {
                latency.add(record.latency.inMilliseconds)
                if let ttft = record.timeToFirstToken { timeToFirstToken.add(ttft.inMilliseconds) }
            }
            inputTokens += Int64(record.usage.promptTokens)
            outputTokens += Int64(record.usage.completionTokens)
            costMicros += record.costMicros
        }

        func stats(_ name: String) -> MonitorSnapshot.Stats {
            let latency = latency.percentiles([50, 95, 99])
            let ttft = timeToFirstToken.percentiles([50, 95, 99])
            return MonitorSnapshot.Stats(
                name: name, requests: requests, errors: errorsByKind.values.reduce(0, +), errorsByKind: errorsByKind, cached: cached,
                latencyMs: .init(p50: latency[0], p95: latency[1], p99: latency[2]),
                timeToFirstTokenMs: .init(p50: ttft[0], p95: ttft[1], p99: ttft[2]),
                tokens: .init(input: inputTokens, output: outputTokens), costMicros: costMicros)
        }
    }

    private struct State {
        var providers: [String: Series] = [:]
        var deployments: [String: Series] = [:]
        var aliases: [String: Series] = [:]
        var metrics: [RoutingMetrics.Labels: RoutingMetrics] = [:]
    }

    /// The label value of calls that named a deployment rather than an alias.
    static let noAlias = "none"

    let log: RoutingMetricsLog
    private let writer: BatchWriter<CallRecord>
    private let state = Mutex(State())
    private let windowSize: Int
    private let retention: Duration
    private let since = Date()
    private let logger: Logger

    /// - Parameters:
    ///   - windowSize: how many recent successful calls the percentiles are taken over, per
    ///     provider, deployment and alias.
    ///   - flushInterval: how often queued rows are written.
    ///   - retention: how long `routing_metrics` rows are kept.
    init(database: Database, logger: Logger, windowSize: Int = 1000, flushInterval: Duration = .seconds(1),
         retention: Duration = .seconds(90 * 86_400)) {
        let log = RoutingMetricsLog(database: database)
        self.log = log
        self.windowSize = windowSize
        self.retention = retention
        self.logger = logger
        writer = BatchWriter(name: "routing_metrics", interval: flushInterval, logger: logger) { try await log.insert($0) }
    }

    /// Counts the call in the metrics and windows, and queues its row.
    func record(_ record: CallRecord) async {
        let labels = RoutingMetrics.Labels(provider: record.provider, deployment: record.deployment, alias: record.alias ?? Self.noAlias)
        let windowSize = windowSize
        var metrics = state.withLock { state -> RoutingMetrics in
            state.providers[record.provider, default: Series(windowSize: windowSize)].add(record)
            state.deployments[record.deployment, default: Series(windowSize: windowSize)].add(record)
            if let alias = record.alias { state.aliases[alias, default: Series(windowSize: windowSize)].add(record) }
            var metrics = state.metrics[labels] ?? RoutingMetrics(labels)
            _ = metrics.requests(record.outcome)
            state.metrics[labels] = metrics
            return metrics
        }
        metrics.requests(record.outcome).increment()
        if record.outcome == "ok" {
            metrics.duration.record(duration: record.latency)
            if let ttft = record.timeToFirstToken { metrics.timeToFirstToken.record(duration: ttft) }
        }
        if record.usage.promptTokens > 0 { metrics.inputTokens.increment(by: record.usage.promptTokens) }
        if record.usage.completionTokens > 0 { metrics.outputTokens.increment(by: record.usage.completionTokens) }
        if record.costMicros > 0 { metrics.cost.increment(by: record.costMicros) }
        writer.append(record)
    }

    /// Per provider, deployment and alias: requests, errors by kind, latency and time to first
    /// token p50/p95/p99, tokens in and out, cost.
    func snapshot() -> MonitorSnapshot {
        let (providers, deployments, aliases) = state.withLock { ($0.providers, $0.deployments, $0.aliases) }
        func stats(_ series: [String: Series]) -> [MonitorSnapshot.Stats] {
            series.sorted { $0.key < $1.key }.map { $0.value.stats($0.key) }
        }
        return MonitorSnapshot(since: since, generatedAt: Date(), windowSize: windowSize, providers: stats(providers),
                               deployments: stats(deployments), aliases: stats(aliases))
    }

    /// Writes the queued rows now.
    func flush() async throws {
        try await writer.flush()
    }

    /// Writes queued rows until graceful shutdown (then the rest), and deletes rows older than
    /// the retention once an hour.
    func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await self.writer.run() }
            group.addTask {
                await cancelWhenGracefulShutdown {
                    while !Task.isCancelled {
                        do {
                            let cutoff = Date().addingTimeInterval(-Double(self.retention.components.seconds))
                            while try await self.log.purge(olderThan: cutoff, limit: 10_000) == 10_000, !Task.isCancelled {}
                        } catch {
                            self.logger.warning("purging old routing_metrics rows failed", metadata: ["error": "\(error)"])
                        }
                        try? await Task.sleep(for: .seconds(3600))
                    }
                }
            }
        }
    }
}
