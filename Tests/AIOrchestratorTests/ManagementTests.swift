import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import AIOrchestrator

@Suite struct ManagementTests {
    static let routes: [(HTTPRequest.Method, String)] = [
        (.post, "/ai-orchestrator/providers"), (.get, "/ai-orchestrator/providers"), (.get, "/ai-orchestrator/providers/local"),
        (.patch, "/ai-orchestrator/providers/local"), (.delete, "/ai-orchestrator/providers/local"),
        (.post, "/ai-orchestrator/deployments"), (.get, "/ai-orchestrator/deployments"), (.get, "/ai-orchestrator/deployments/local-small"),
        (.patch, "/ai-orchestrator/deployments/local-small"), (.delete, "/ai-orchestrator/deployments/local-small"),
        (.post, "/ai-orchestrator/aliases"), (.get, "/ai-orchestrator/aliases"), (.get, "/ai-orchestrator/aliases/tutor-default"),
        (.patch, "/ai-orchestrator/aliases/tutor-default"), (.delete, "/ai-orchestrator/aliases/tutor-default"),
        (.post, "/ai-orchestrator/budgets"), (.get, "/ai-orchestrator/budgets"),
        (.get, "/ai-orchestrator/budgets/01970000-0000-7000-8000-000000000099"),
        (.patch, "/ai-orchestrator/budgets/01970000-0000-7000-8000-000000000099"),
        (.delete, "/ai-orchestrator/budgets/01970000-0000-7000-8000-000000000099"),
        (.get, "/ai-orchestrator/metrics"), (.get, "/ai-orchestrator/metrics/history"), (.get, "/ai-orchestrator/classifications"),
    ]

    @Test func onlyAdministratorsManageTheOrchestrator() async throws {
        try await ControlHarness.run { control in
            let learner = try await control.user()
            let instructor = try await control.live.token(subject: UUID().lowercasedText, roles: ["student", "instructor"])
            let service = try await control.live.token(subject: "service:ai-service", roles: ["service"])
            for (method, path) in Self.routes {
                let body: [String: Any]? = method == .post || method == .patch ? ["name": "x"] : nil
                #expect(try await control.send(method, path, json: body, as: learner).status == .forbidden, "\(method) \(path)")
                #expect(try await control.client.send(method, path, json: body, token: instructor).status == .forbidden, "\(method) \(path)")
                #expect(try await control.client.send(method, path, json: body, token: service).status == .forbidden, "\(method) \(path)")
                #expect(try await control.send(method, path, json: body).status == .unauthorized, "\(method) \(path)")
            }
            let catalog = try await control.parts.catalog.snapshot()
            #expect(catalog.aliases["tutor-default"] != nil && catalog.deployments["local-small"] != nil && catalog.providers.count == 1,
                    "the refused calls changed nothing")
            #expect(try await control.send(.get, "/ai-orchestrator/aliases/tutor-default", as: control.admin).status == .ok)
        }
    }

    @Test func noAnswerContainsAProvidersKey() async throws {
        try await ControlHarness.run { control in
            var answers: [TestAnswer] = []
            answers.append(try await control.provider("openai"))
            answers.append(try await control.create("/ai-orchestrator/providers", ["name": "anthropic", "kind": "anthropic",
                                                                                  "baseUrl": "https://api.anthropic.com",
                                                                                  "credentialSetting": "ANTHROPIC_KEY_NOT_SET"]))
            answers.append(try await control.deployment("mini@openai", provider: "openai"))
            answers.append(try await control.send(.get, "/ai-orchestrator/providers", as: control.admin))
            answers.append(try await control.send(.get, "/ai-orchestrator/providers/openai", as: control.admin))
            answers.append(try await control.send(.patch, "/ai-orchestrator/providers/openai", json: ["enabled": false], as: control.admin))
            answers.append(try await control.send(.get, "/ai-orchestrator/deployments/mini@openai", as: control.admin))
            answers.append(try await control.send(.get, "/ai-orchestrator/metrics", as: control.admin))
            answers.append(try await control.send(.post, "/ai-orchestrator/providers", json: ["name": "leak", "kind": "openai_compatible",
                                                                                             "baseUrl": "https://x.example",
                                                                                             "credentialSetting": ControlHarness.keyValue],
                                                  as: control.admin))
            for answer in answers {
                #expect(!answer.text.contains(ControlHarness.keyValue), "\(answer.text)")
            }
            let providers = try #require(answers[3].items as [[String: Any]]?)
            let configured = Dictionary(uniqueKeysWithValues: providers.map { ($0["name"] as! String, $0["credentialConfigured"] as? Bool) })
            #expect(configured == ["anthropic": false, "local": false, "openai": true])
            #expect(providers.allSatisfy { Set($0.keys).isSubset(of: ["id", "name", "kind", "baseUrl", "credentialSetting", "credentialConfigured",
                                                                       "apiVersion", "timeoutSeconds", "enabled", "createdAt", "updatedAt"]) })
            let stored = try await control.database.query("SELECT * FROM providers")
            #expect(stored.count == 3)
        }
    }

    @Test func theMetricsEndpointsShowLiveNumbersAndHistory() async throws {
        try await ControlHarness.run { control in
            let monitor = control.parts.monitor
            for latency in [10, 20, 30, 40] {
                await monitor.record(CallRecord(requestId: "r\(latency)", userId: nil, alias: "tutor-default", deployment: "local-small",
                                                provider: "local", stream: false, outcome: "ok", latency: .milliseconds(latency),
                                                timeToFirstToken: nil, usage: TokenUsage(promptTokens: 3, completionTokens: 2), costMicros: 1,
                                                at: Date()))
            }
            await monitor.record(CallRecord(requestId: "r5", userId: nil, alias: nil, deployment: "local-large", provider: "local", stream: true,
                                            outcome: "timeout", latency: .seconds(30), timeToFirstToken: nil, usage: .zero, costMicros: 0,
                                            at: Date()))
            let key = try #require(RoutingCache.key(for: try ChatRequest(json: ["model": "m", "temperature": 0,
                                                                                "messages": [["role": "user", "content": "hi"]]])))
            _ = await control.parts.cache.lookup(key)

            let live = try await control.send(.get, "/ai-orchestrator/metrics", as: control.admin)
            #expect(live.status == .ok)
            let deployments = try #require(live.json["deployments"] as? [[String: Any]])
            #expect(deployments.map { $0["name"] as? String } == ["local-large", "local-small"])
            let small = try #require(deployments.last)
            #expect(small["requests"] as? Int == 4 && (small["latencyMs"] as? [String: Any])?["p50"] as? Int == 20)
            #expect((small["tokens"] as? [String: Any])?["input"] as? Int == 12 && small["costMicros"] as? Int == 4)
            #expect((deployments.first?["errorsByKind"] as? [String: Any])?["timeout"] as? Int == 1)
            #expect((live.json["providers"] as? [[String: Any]])?.first?["requests"] as? Int == 5)
            let cache = try #require(live.json["cache"] as? [String: Any])
            #expect(cache["misses"] as? Int == 1 && cache["hits"] as? Int == 0 && cache["hitRate"] as? Int == 0)

            try await eventually {
                try await control.database.queryFirst("SELECT count(*) AS n FROM routing_metrics")?.decode("n", as: Int.self) == 5
            }
            let history = try await control.send(.get, "/ai-orchestrator/metrics/history?deployment=local-small", as: control.admin)
            #expect(history.status == .ok && history["bucket"] == "hour")
            #expect(history.items.count == 1 && history.items.first?["requests"] as? Int == 4 && history.items.first?["costMicros"] as? Int == 4)
            let all = try await control.send(.get, "/ai-orchestrator/metrics/history?bucket=day", as: control.admin)
            #expect(all.items.map { $0["deployment"] as? String } == ["local-large", "local-small"])
            let from = Timestamp.format(Date().addingTimeInterval(-40 * 86_400))
            let tooLong = try await control.send(.get, "/ai-orchestrator/metrics/history?from=\(from)", as: control.admin)
            #expect(tooLong.status == .unprocessableContent && tooLong.fields == ["from"])
            let backwards = try await control.send(.get, "/ai-orchestrator/metrics/history?from=\(Timestamp.format(Date().addingTimeInterval(60)))",
                                                   as: control.admin)
            #expect(backwards.fields == ["from"])
            #expect(try await control.send(.get, "/ai-orchestrator/metrics/history?bucket=week", as: control.admin).fields == ["bucket"])
        }
    }
}
