import Foundation
import Shared
import Testing
import TestSupport

@testable import AIOrchestrator

@Suite struct CacheTests {
    private func request(_ extra: [String: JSONValue] = [:], model: String = "tutor-default",
                         messages: [JSONValue] = [["role": "user", "content": "What is 2 + 2?"]]) throws -> ChatRequest {
        var body: [String: JSONValue] = ["model": .string(model), "messages": .array(messages)]
        body.merge(extra) { $1 }
        return try ChatRequest(json: body)
    }

    private func key(_ extra: [String: JSONValue] = [:], model: String = "tutor-default",
                     messages: [JSONValue] = [["role": "user", "content": "What is 2 + 2?"]]) throws -> String? {
        RoutingCache.key(for: try request(extra, model: model, messages: messages))
    }

    @Test func onlyRequestsAtTemperatureZeroWithOneChoiceHaveAKey() throws {
        let zero = try #require(try key(["temperature": 0]))
        #expect(zero.count == 64 && zero.allSatisfy(\.isHexDigit))
        #expect(try key(["temperature": .number(0.0)]) == zero, "0 and 0.0 are the same temperature")
        #expect(try key() == nil, "no temperature means the default of 1")
        #expect(try key(["temperature": .number(0.2)]) == nil)
        #expect(try key(["temperature": .number(0.000001)]) == nil)
        #expect(try key(["temperature": 0, "n": 1]) != nil)
        #expect(try key(["temperature": 0, "n": 2]) == nil)
    }

    @Test func streamingAndTheUserDoNotChangeTheKeyButEverythingElseDoes() throws {
        let base = try #require(try key(["temperature": 0, "max_tokens": 50]))
        #expect(try key(["temperature": 0, "max_tokens": 50, "stream": true, "stream_options": ["include_usage": true]]) == base)
        #expect(try key(["temperature": 0, "max_tokens": 50, "stream": false, "user": "learner-17"]) == base)
        #expect(try key(["temperature": 0, "max_tokens": 51]) != base)
        #expect(try key(["temperature": 0, "max_tokens": 50, "seed": 7]) != base)
        #expect(try key(["temperature": 0, "max_tokens": 50], model: "local-large") != base)
        #expect(try key(["temperature": 0, "max_tokens": 50], messages: [["role": "user", "content": "What is 2 + 3?"]]) != base)
        #expect(try key(["temperature": 0, "max_tokens": 50], messages: [["role": "system", "content": "What is 2 + 2?"]]) != base)

        let ordered = try ChatRequest(json: ["temperature": 0, "model": "tutor-default", "max_tokens": 50,
                                             "messages": [["content": "What is 2 + 2?", "role": "user"]]])
        #expect(RoutingCache.key(for: ordered) == base, "member order does not matter")
    }

    @Test func storedAnswersAreHitsUntilTheyExpire() async throws {
        MetricsRegistry.bootstrap()
        try await withControlDatabase { database, _ in
            let cache = RoutingCache(database: database, ttl: .seconds(3600), logger: controlLogger)
            let key = try #require(try key(["temperature": 0]))
            let answer: JSONValue = ["id": "chatcmpl-1", "object": "chat.completion", "choices": [["message": ["role": "assistant", "content": "4"]]]]

            #expect(await cache.lookup(key) == nil)
            await cache.store(key, model: "tutor-default", response: answer)
            #expect(await cache.lookup(key) == answer)
            #expect(await cache.lookup(key) == answer)
            #expect(cache.statistics.hits == 2 && cache.statistics.misses == 1 && cache.statistics.hitRate == 2.0 / 3.0)
            let hits = try await database.queryFirst("SELECT hits, model FROM ai_routing_cache WHERE key = \(key)")
            #expect(try hits?.decode("hits", as: Int.self) == 2 && hits?["model"] == "tutor-default")

            let exposition = String(decoding: MetricsRegistry.exposition(), as: UTF8.self)
            #expect(exposition.contains(#"ai_routing_cache_lookups_total{result="hit"}"#))
            #expect(exposition.contains(#"ai_routing_cache_lookups_total{result="miss"}"#))

            let expiring = RoutingCache(database: database, ttl: .seconds(0), logger: controlLogger)
            let other = try #require(try self.key(["temperature": 0, "max_tokens": 9]))
            await expiring.store(other, model: "tutor-default", response: answer)
            #expect(await expiring.lookup(other) == nil, "an expired answer is a miss")
            #expect(try await expiring.purgeExpired() == 1)
            #expect(await cache.lookup(key) == answer, "fresh answers are kept")
        }
    }
}
