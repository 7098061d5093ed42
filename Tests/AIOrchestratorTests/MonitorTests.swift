import Foundation
import Shared
import Testing
import TestSupport

@testable import AIOrchestrator

@Suite struct MonitorTests {
    private func call(_ deployment: String = "mini@openai", provider: String = "openai", alias: String? = "tutor-default",
                      outcome: String = "ok", latencyMs: Int, ttftMs: Int? = nil, prompt: Int = 10, completion: Int = 5, cost: Int64 = 3,
                      at: Date = Date()) -> CallRecord {
        CallRecord(requestId: UUID().uuidString, userId: UUID(), alias: alias, deployment: deployment, provider: provider,
                   stream: ttftMs != nil, outcome: outcome, latency: .milliseconds(latencyMs), timeToFirstToken: ttftMs.map { .milliseconds($0) },
                   usage: TokenUsage(promptTokens: prompt, completionTokens: completion), costMicros: cost, at: at)
    }

    @Test func percentilesAreTheNearestRanksOfTheRecentSamples() {
        var samples = LatencySamples(capacity: 100)
        #expect(samples.percentiles([50, 95, 99]) == [nil, nil, nil])
        for value in (1...100).shuffled() { samples.add(Double(value)) }
        #expect(samples.percentiles([50, 95, 99, 100]) == [50, 95, 99, 100])

        var recent = LatencySamples(capacity: 10)
        for value in 1...20 { recent.add(Double(value)) }
        #expect(recent.count == 10)
        #expect(recent.percentiles([50, 99]) == [15, 20], "only the last ten count: 11…20")
        var one = LatencySamples(capacity: 10)
        one.add(7)
        #expect(one.percentiles([50, 95, 99]) == [7, 7, 7])
    }

    @Test func theSnapshotSplitsCallsByProviderDeploymentAndAlias() async throws {
        try await withControlDatabase { database, _ in
            let monitor = RoutingMonitor(database: database, logger: controlLogger, windowSize: 1000)
            for latency in 1...100 { await monitor.record(call(latencyMs: latency, ttftMs: latency / 2)) }
            await monitor.record(call(outcome: "timeout", latencyMs: 30_000, prompt: 0, completion: 0, cost: 0))
            await monitor.record(call(outcome: "rate_limited", latencyMs: 5, prompt: 0, completion: 0, cost: 0))
            await monitor.record(call(outcome: "cached", latencyMs: 1, prompt: 0, completion: 0, cost: 0))
            await monitor.record(call("claude@anthropic", provider: "anthropic", alias: nil, latencyMs: 800, prompt: 100, completion: 50, cost: 900))

            let snapshot = monitor.snapshot()
            #expect(snapshot.providers.map(\.name) == ["anthropic", "openai"])
            #expect(snapshot.deployments.map(\.name) == ["claude@anthropic", "mini@openai"])
            #expect(snapshot.aliases.map(\.name) == ["tutor-default"], "a call naming a deployment has no alias")
            let mini = try #require(snapshot.deployments.last)
            #expect(mini.requests == 103 && mini.errors == 2 && mini.errorsByKind == ["timeout": 1, "rate_limited": 1] && mini.cached == 1)
            #expect(mini.latencyMs == .init(p50: 50, p95: 95, p99: 99), "failed and cached calls do not count in latency")
            #expect(mini.timeToFirstTokenMs.p50 == 25 && mini.timeToFirstTokenMs.p99 == 49)
            #expect(mini.tokens == .init(input: 1_000, output: 500) && mini.costMicros == 300)
            let anthropic = try #require(snapshot.providers.first)
            #expect(anthropic.requests == 1 && anthropic.latencyMs.p50 == 800 && anthropic.timeToFirstTokenMs.p50 == nil && anthropic.costMicros == 900)
            #expect(snapshot.aliases[0].requests == 103)
        }
    }

    @Test func callsAreCountedForPrometheus() async throws {
        MetricsRegistry.bootstrap()
        try await withControlDatabase { database, _ in
            let monitor = RoutingMonitor(database: database, logger: controlLogger)
            let deployment = "prom-\(UUID().uuidString.prefix(8).lowercased())"
            await monitor.record(call(deployment, latencyMs: 120, ttftMs: 40, prompt: 11, completion: 7, cost: 13))
            await monitor.record(call(deployment, outcome: "unavailable", latencyMs: 3, prompt: 0, completion: 0, cost: 0))
            let text = String(decoding: MetricsRegistry.exposition(), as: UTF8.self)
            let labels = #"provider="openai",deployment="\#(deployment)",alias="tutor-default""#
            #expect(text.contains(#"ai_requests_total{\#(labels),outcome="ok"} 1"#))
            #expect(text.contains(#"ai_requests_total{\#(labels),outcome="unavailable"} 1"#))
            #expect(text.contains(#"ai_tokens_total{\#(labels),direction="input"} 11"#))
            #expect(text.contains(#"ai_tokens_total{\#(labels),direction="output"} 7"#))
            #expect(text.contains(#"ai_cost_micros_total{\#(labels)} 13"#))
            #expect(text.contains(#"ai_request_duration_seconds_count{\#(labels)} 1"#))
            #expect(text.contains(#"ai_time_to_first_token_seconds_count{\#(labels)} 1"#))
        }
    }

    @Test func everyCallIsWrittenToRoutingMetricsAndAggregatedForHistory() async throws {
        try await withControlDatabase { database, _ in
            let monitor = RoutingMonitor(database: database, logger: controlLogger)
            let hourAgo = Date().addingTimeInterval(-3600)
            for latency in [100, 200, 300, 400] { await monitor.record(call(latencyMs: latency, ttftMs: latency / 10, at: hourAgo)) }
            await monitor.record(call(outcome: "timeout", latencyMs: 9_000, prompt: 0, completion: 0, cost: 0, at: hourAgo))
            await monitor.record(call("claude@anthropic", provider: "anthropic", latencyMs: 50, at: Date()))
            #expect(try await database.queryFirst("SELECT count(*) AS n FROM routing_metrics")?.decode("n", as: Int.self) == 0,
                    "recording does not wait for the database")
            try await monitor.flush()
            let row = try #require(try await database.queryFirst("""
                SELECT count(*) AS n, sum(cost_micros)::bigint AS cost, count(ttft_ms) AS streamed, count(user_id) AS users
                FROM routing_metrics WHERE deployment = 'mini@openai'
                """))
            #expect(try row.decode("n", as: Int.self) == 5 && row.decode("cost", as: Int64.self) == 12)
            #expect(try row.decode("streamed", as: Int.self) == 4 && row.decode("users", as: Int.self) == 5)

            let history = try await monitor.log.history(from: hourAgo.addingTimeInterval(-60), to: Date().addingTimeInterval(1),
                                                        bucket: .day, deployment: "mini@openai")
            let point = try #require(history.first)
            #expect(history.count == 1 && point.requests == 5 && point.errors == 1 && point.errorsByKind == ["timeout": 1])
            #expect(point.latencyMs.p50 == 250 && point.promptTokens == 40 && point.completionTokens == 20 && point.costMicros == 12)
            let everything = try await monitor.log.history(from: hourAgo.addingTimeInterval(-60), to: Date().addingTimeInterval(1),
                                                           bucket: .minute, deployment: nil)
            #expect(Set(everything.map(\.deployment)) == ["mini@openai", "claude@anthropic"])
            #expect(try await monitor.log.purge(olderThan: Date().addingTimeInterval(-60)) == 5)
        }
    }

    @Test func queuedRowsAreWrittenOnGracefulShutdown() async throws {
        try await withControlDatabase { database, _ in
            let monitor = RoutingMonitor(database: database, logger: controlLogger, flushInterval: .seconds(3600))
            for latency in 1...3 { await monitor.record(call(latencyMs: latency)) }
            try await ControlShutdown.run(monitor)
            #expect(try await database.queryFirst("SELECT count(*) AS n FROM routing_metrics")?.decode("n", as: Int.self) == 3)
        }
    }
}
