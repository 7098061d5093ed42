import Foundation
import HTTPTypes
import Shared
import Synchronization
import Testing
import TestSupport

@testable import AIOrchestrator

/// What happens around a routed call: the budget reserved before it and settled after it, the
/// cache for repeatable requests, the strategies' choices, and the records the call leaves.
@Suite struct RoutedCallTests {
    typealias H = OrchestratorHarness

    /// Twenty calls at once against a budget that holds five reservations: exactly five reach
    /// the upstream, fifteen are refused, and what was spent is what the five really cost.
    @Test func concurrentCallsCannotOverspendABudget() async throws {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }
        // Time for all twenty to queue on the budget's row when the machine is starved of CPU.
        try await H.run(settings: ["DATABASE_STATEMENT_TIMEOUT_MS": "120000"]) { h in
            // 1 micro per token either way; each call reserves its prompt estimate plus max_tokens.
            // Calls held upstream must not time out while the others are decided on a busy machine.
            try await h.deploy("metered", on: fake, inputPrice: 1_000_000, outputPrice: 1_000_000, timeoutSeconds: 120)
            let body = H.chat("metered", extra: ["max_tokens": 100])
            let estimate = try ChatRequest(json: try JSONDecoder().decode([String: JSONValue].self,
                                                                           from: JSONSerialization.data(withJSONObject: body)))
                .estimatedPromptTokens + 100
            let budget = try await h.send(.post, "/ai-orchestrator/budgets", json: [
                "scopeKind": "user", "scopeId": h.learnerId.uuidString, "period": "day", "limitMicros": estimate * 5,
            ], token: h.admin)
            #expect(budget.status == .created, "\(budget.text)")
            // Held upstream until every call has been decided, so none settles early and frees budget.
            fake.fallback = .held(.answer("ok"))
            let refusedSoFar = Mutex(0)
            let calls = Task {
                try await h.client.sendConcurrently(
                    Array(repeating: (.post, "/v1/chat/completions", H.chat("metered", extra: ["max_tokens": 100])), count: 20),
                    token: h.learner) { answer in
                    if answer.status == .tooManyRequests { refusedSoFar.withLock { $0 += 1 } }
                }
            }
            // Released only once every call is held upstream or refused: one released earlier
            // would settle below its estimate and leave room for a late call.
            try await eventually(within: .seconds(60)) { fake.calls + refusedSoFar.withLock { $0 } >= 20 }
            fake.release()
            let answers = try await calls.value
            #expect(answers.filter { $0.status == .ok }.count == 5)
            let refused = answers.filter { $0.status == .tooManyRequests }
            #expect(refused.count == 15 && refused.allSatisfy { $0.code == "budget_exhausted" }, "\(refused.first?.text ?? "")")
            #expect(refused.allSatisfy { ($0.json["error"] as? [String: Any])?["type"] as? String == "rate_limit_error" })
            #expect(fake.calls == 5)

            let id = try #require(budget["id"])
            let state = try await h.send(.get, "/ai-orchestrator/budgets/\(id)", token: h.admin)
            // The fake reports 21 prompt tokens and 1 completion token ("ok") per call.
            let period = state.json["currentPeriod"] as? [String: Any]
            #expect(period?["spentMicros"] as? Int == 5 * (FakeUpstream.promptTokens + 1), "\(state.text)")
            #expect(period?["reservedMicros"] as? Int == 0)
            // The learner's next call fits again only within what is left.
            fake.fallback = .answer("ok")
            #expect(try await h.send(.post, "/v1/chat/completions", json: H.chat("metered", extra: ["max_tokens": 5]), token: h.learner).status == .ok)
            // Another learner has no budget: unlimited.
            #expect(try await h.send(.post, "/v1/chat/completions", json: body, token: try await h.token(for: UUID())).status == .ok)
        }
    }

    /// Temperature 0 and the same messages: the second answer comes from the cache, costs
    /// nothing and reaches no upstream; any other temperature is never cached.
    @Test func repeatableRequestsAreAnsweredFromTheCache() async throws {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }
        try await H.run { h in
            try await h.deploy("cached", on: fake)
            let body = H.chat("cached", "What is 2 + 2?", extra: ["temperature": 0])
            let first = try await h.send(.post, "/v1/chat/completions", json: body, token: h.learner)
            let second = try await h.send(.post, "/v1/chat/completions", json: body, token: h.learner)
            #expect(first.headers[HTTPField.Name("X-Azora-Cache")!] == "miss" && second.headers[HTTPField.Name("X-Azora-Cache")!] == "hit")
            #expect(first.json["choices"] as? NSArray == second.json["choices"] as? NSArray && fake.calls == 1)
            // Streamed, the cached answer is replayed as events.
            let streamed = try await h.send(.post, "/v1/chat/completions", json: body.merging(["stream": true]) { $1 }, token: h.learner)
            #expect(streamed.text.hasPrefix("data: ") && streamed.text.hasSuffix("data: [DONE]\n\n") && fake.calls == 1)
            let warm = H.chat("cached", "What is 2 + 2?", extra: ["temperature": 0.7])
            _ = try await h.send(.post, "/v1/chat/completions", json: warm, token: h.learner)
            _ = try await h.send(.post, "/v1/chat/completions", json: warm, token: h.learner)
            #expect(fake.calls == 3)
            let metrics = try await h.send(.get, "/metrics")
            #expect(metrics.text.contains("ai_routing_cache_lookups_total"))
        }
    }

    /// The classified strategy sends a short chat to the small tier and a long, code-heavy task
    /// to the large one; lowest-cost picks the cheaper deployment.
    @Test func strategiesChooseByClassAndByCost() async throws {
        let small = try await FakeOpenAI.start(), large = try await FakeOpenAI.start()
        defer { Task { await small.stop(); await large.stop() } }
        try await H.run { h in
            try await h.deploy("small", on: small, tier: "small", inputPrice: 100_000, outputPrice: 200_000)
            try await h.deploy("large", on: large, tier: "large", inputPrice: 5_000_000, outputPrice: 15_000_000)
            try await h.alias("smart", strategy: "classified", targets: [("small", 1), ("large", 1)])
            try await h.alias("thrifty", strategy: "lowest_cost", targets: [("large", 1000), ("small", 1)])

            let chat = try await h.send(.post, "/v1/chat/completions", json: H.chat("smart", "Hi!"), token: h.learner)
            #expect(chat.headers[HTTPField.Name("X-Azora-Deployment")!] == "small")
            let task = """
                Refactor this function to be iterative, explain the complexity of both versions step by step, then write \
                unit tests for the edge cases and prove that the loop terminates:
                ```swift
                func fib(_ n: Int) -> Int { n < 2 ? n : fib(n - 1) + fib(n - 2) }
                ```
                """ + String(repeating: " Consider also memoisation, tail calls and overflow.", count: 20)
            let hard = try await h.send(.post, "/v1/chat/completions", json: H.chat("smart", task), token: h.learner)
            #expect(hard.headers[HTTPField.Name("X-Azora-Deployment")!] == "large", "\(hard.text)")
            try await eventually { try await h.send(.get, "/ai-orchestrator/classifications", token: h.admin).items.count == 2 }

            for _ in 0..<5 {
                let cheap = try await h.send(.post, "/v1/chat/completions", json: H.chat("thrifty"), token: h.learner)
                #expect(cheap.headers[HTTPField.Name("X-Azora-Deployment")!] == "small")
            }
        }
    }

    /// Each call is counted per deployment and alias: in /metrics, in the JSON of
    /// /ai-orchestrator/metrics, and as rows of routing_metrics.
    @Test func callsAreMonitored() async throws {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }
        try await H.run { h in
            try await h.deploy("watched", on: fake)
            try await h.alias("tutor", targets: [("watched", 1)])
            fake.script = [.fail(500), .answer("fine")]
            #expect(try await h.send(.post, "/v1/chat/completions", json: H.chat("tutor"), token: h.learner).status == .ok)
            let metrics = try await h.send(.get, "/ai-orchestrator/metrics", token: h.admin)
            #expect(metrics.status == .ok && metrics.text.contains("\"watched\""), "\(metrics.text)")
            #expect(metrics.text.contains("breakers"))
            try await eventually {
                try await h.database.queryFirst("SELECT count(*) AS n FROM routing_metrics WHERE deployment = 'watched'")?.decode("n", as: Int64.self) == 2
            }
            let outcomes: [String] = try await h.database.query("SELECT outcome FROM routing_metrics ORDER BY at").map { try $0.decode("outcome") }
            #expect(outcomes == ["unavailable", "ok"])
            let prometheus = try await h.send(.get, "/metrics")
            #expect(prometheus.text.contains("ai_requests_total") && prometheus.text.contains("deployment=\"watched\""))
        }
    }
}
