import Foundation
import Hummingbird
import Shared

/// `GET /ai-orchestrator/metrics` (this replica's live numbers) and `/metrics/history` (every
/// replica's, from `routing_metrics`).
struct MetricsRoutes: Sendable {
    let monitor: RoutingMonitor
    let cache: RoutingCache
    /// The breakers, whose state the live numbers show under `routing`.
    let breakers: BreakerRoutes

    func add(to group: RouterGroup<AppRequestContext>) {
        group.get("metrics") { _, _ in
            var document: [String: JSONValue] = [:]
            if case .object(let members) = try JSONValue.from(monitor.snapshot()) { document = members }
            let cache = cache.statistics
            document["cache"] = ["hits": .number(Double(cache.hits)), "misses": .number(Double(cache.misses)),
                                 "hitRate": cache.hitRate.map(JSONValue.number) ?? .null]
            document["routing"] = await breakers.state()
            return MetricsDocument(jsonValue: .object(document))
        }
        group.get("metrics/history") { request, _ in
            let query = try HistoryQuery(request)
            let points = try await monitor.log.history(from: query.from, to: query.to, bucket: query.bucket, deployment: query.deployment)
            return HistoryAnswer(from: query.from, to: query.to, bucket: query.bucket.rawValue, items: points)
        }
    }

    /// `?from=&to=&deployment=&bucket=`: by default the last 24 hours by hour.
    struct HistoryQuery: Sendable {
        let from: Date
        let to: Date
        let deployment: String?
        let bucket: HistoryBucket

        init(_ request: Request, now: Date = Date()) throws {
            bucket = try request.queryEnum("bucket", as: HistoryBucket.self) ?? .hour
            to = try request.queryDate("to") ?? now
            from = try request.queryDate("from") ?? to.addingTimeInterval(-86_400)
            deployment = request.query("deployment")
            guard from < to else { throw Problem.invalid("from", "must be before to") }
            guard to.timeIntervalSince(from) <= bucket.maxRange else {
                throw Problem.invalid("from", "the range may span at most \(Int(bucket.maxRange / 86_400)) days with \(bucket.rawValue) buckets")
            }
        }
    }

    /// The history endpoint's answer.
    struct HistoryAnswer: Codable, Sendable, ResponseEncodable {
        let from: Date
        let to: Date
        let bucket: String
        let items: [HistoryPoint]
    }

    /// The live metrics: the monitor's snapshot with the cache's hit rate and the router's state.
    struct MetricsDocument: ResponseEncodable, JSONValueConvertible, Sendable {
        let jsonValue: JSONValue

        func encode(to encoder: any Encoder) throws {
            try jsonValue.encode(to: encoder)
        }
    }
}
