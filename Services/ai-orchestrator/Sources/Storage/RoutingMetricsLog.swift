import Foundation
import Shared

/// `routing_metrics`: one row per call, written in batches by the monitor, and read back as
/// aggregates for the history endpoint.
struct RoutingMetricsLog: Sendable {
    let database: Database

    /// Inserts calls in one statement.
    func insert(_ records: [CallRecord]) async throws {
        guard !records.isEmpty else { return }
        try await database.execute("""
            INSERT INTO routing_metrics (id, request_id, user_id, alias, deployment, provider, stream, outcome, latency_ms, ttft_ms,
                                         prompt_tokens, completion_tokens, cost_micros, at)
            SELECT * FROM unnest(\(records.map { UUIDv7.make(at: $0.at) })::uuid[], \(records.map(\.requestId))::text[],
                \(records.map(\.userId))::uuid[], \(records.map(\.alias))::text[], \(records.map(\.deployment))::text[],
                \(records.map(\.provider))::text[], \(records.map(\.stream))::boolean[], \(records.map(\.outcome))::text[],
                \(records.map(\.latency.inMilliseconds))::double precision[], \(records.map { $0.timeToFirstToken?.inMilliseconds })::double precision[],
                \(records.map(\.usage.promptTokens))::integer[], \(records.map(\.usage.completionTokens))::integer[],
                \(records.map(\.costMicros))::bigint[], \(records.map(\.at))::timestamptz[])
            """)
    }

    /// Calls per deployment and time bucket in `[from, to)`, optionally of one deployment.
    func history(from: Date, to: Date, bucket: HistoryBucket, deployment: String?) async throws -> [HistoryPoint] {
        var filters: [SQL] = ["at >= \(from)", "at < \(to)"]
        if let deployment { filters.append("deployment = \(deployment)") }
        return try await database.query("""
            SELECT date_trunc(\(bucket.rawValue), at) AS bucket_start, deployment, min(provider) AS provider,
                   count(*) AS requests,
                   count(*) FILTER (WHERE outcome NOT IN ('ok', 'cached')) AS errors,
                   count(*) FILTER (WHERE outcome = 'cached') AS cached,
                   coalesce(jsonb_object_agg(outcome, n) FILTER (WHERE outcome NOT IN ('ok', 'cached')), '{}') AS errors_by_kind,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE outcome = 'ok') AS latency_p50,
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE outcome = 'ok') AS latency_p95,
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE outcome = 'ok') AS latency_p99,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY ttft_ms) FILTER (WHERE outcome = 'ok') AS ttft_p50,
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY ttft_ms) FILTER (WHERE outcome = 'ok') AS ttft_p95,
                   coalesce(sum(prompt_tokens), 0)::bigint AS prompt_tokens,
                   coalesce(sum(completion_tokens), 0)::bigint AS completion_tokens,
                   coalesce(sum(cost_micros), 0)::bigint AS cost_micros
            FROM (SELECT *, count(*) OVER (PARTITION BY date_trunc(\(bucket.rawValue), at), deployment, outcome) AS n
                  FROM routing_metrics
                  WHERE \(SQL(joining: filters, separator: " AND "))) m
            GROUP BY 1, 2
            ORDER BY 1, 2
            """).map(HistoryPoint.init(row:))
    }

    /// Deletes rows older than `cutoff`, at most `limit` at a time.
    /// - Returns: how many were deleted.
    @discardableResult
    func purge(olderThan cutoff: Date, limit: Int = 10_000) async throws -> Int {
        try await database.execute("""
            DELETE FROM routing_metrics WHERE id IN (SELECT id FROM routing_metrics WHERE at < \(cutoff) LIMIT \(limit))
            """)
    }
}

extension HistoryPoint {
    /// A row of the history query.
    init(row: PostgresRow) throws {
        bucketStart = try row.decode("bucket_start")
        deployment = try row.decode("deployment")
        provider = try row.decode("provider")
        requests = try row.decode("requests")
        errors = try row.decode("errors")
        cached = try row.decode("cached")
        errorsByKind = try row.decode("errors_by_kind", as: JSONB<[String: Int64]>.self).value
        latencyMs = MonitorSnapshot.Percentiles(p50: try row.decode("latency_p50"), p95: try row.decode("latency_p95"),
                                                p99: try row.decode("latency_p99"))
        timeToFirstTokenMs = MonitorSnapshot.Percentiles(p50: try row.decode("ttft_p50"), p95: try row.decode("ttft_p95"), p99: nil)
        promptTokens = try row.decode("prompt_tokens")
        completionTokens = try row.decode("completion_tokens")
        costMicros = try row.decode("cost_micros")
    }
}
