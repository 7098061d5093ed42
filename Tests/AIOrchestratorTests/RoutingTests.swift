import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import Shared
import Testing
import TestSupport

@testable import AIOrchestrator

/// Routing through the real service to fake upstreams: the order of fallbacks, retries that
/// honour `Retry-After`, breakers opening and closing, context windows, refusals that are the
/// client's, and the exact requests sent upstream.
@Suite struct RoutingTests {
    typealias H = OrchestratorHarness

    @Test func failingDeploymentsFallBackInOrderAndTheExactRequestGoesUpstream() async throws {
        let primary = try await FakeOpenAI.start(), secondary = try await FakeOpenAI.start(), last = try await FakeOpenAI.start()
        defer { Task { await primary.stop(); await secondary.stop(); await last.stop() } }
        try await H.run { h in
            try await h.deploy("primary", on: primary)
            try await h.deploy("secondary", on: secondary)
            try await h.deploy("last", on: last)
            try await h.alias("tutor", targets: [("primary", 1)], fallbacks: ["secondary", "last"])
            primary.fallback = .fail(503)
            secondary.fallback = .fail(500)
            last.script = [.answer("Recursion is a function calling itself.")]

            let answer = try await h.send(.post, "/v1/chat/completions", json: H.chat("tutor", extra: ["temperature": 0.3]), token: h.learner)
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer.headers[HTTPField.Name("X-Azora-Deployment")!] == "last")
            #expect(((answer.json["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String
                == "Recursion is a function calling itself.")
            // Two tries each (AI_ATTEMPTS_PER_DEPLOYMENT's default), then the next in order.
            #expect(primary.calls == 2 && secondary.calls == 2 && last.calls == 1)
            let sent = try #require(last.requests.first)
            #expect(sent.path == "/v1/chat/completions" && sent.header("authorization") == "Bearer \(H.key)")
            #expect(sent.body?["model"] == "last-model" && sent.body?["temperature"] == .number(0.3))
            #expect(sent.body?["messages"] == [["role": "user", "content": "Hello there"]])

            // Every deployment down: 503 naming each attempt, in OpenAI's error shape too.
            last.fallback = .fail(502)
            let down = try await h.send(.post, "/v1/chat/completions", json: H.chat("tutor"), token: h.learner)
            #expect(down.status == .serviceUnavailable && down.code == "all_deployments_failed")
            #expect((down.json["error"] as? [String: Any])?["type"] as? String == "api_error")
        }
    }

    @Test func aShortRetryAfterIsWaitedForAndALongOneMovesOn() async throws {
        let busy = try await FakeOpenAI.start(), spare = try await FakeOpenAI.start()
        defer { Task { await busy.stop(); await spare.stop() } }
        try await H.run { h in
            try await h.deploy("busy", on: busy)
            try await h.deploy("spare", on: spare)
            try await h.alias("tutor", targets: [("busy", 1)], fallbacks: ["spare"])

            busy.script = [.rateLimited(retryAfter: "1"), .answer("after waiting")]
            let started = ContinuousClock.now
            let waited = try await h.send(.post, "/v1/chat/completions", json: H.chat("tutor"), token: h.learner)
            #expect(waited.headers[HTTPField.Name("X-Azora-Deployment")!] == "busy")
            #expect(ContinuousClock.now - started >= .seconds(1))
            #expect(busy.calls == 2 && spare.calls == 0)

            // Longer than AI_LONGEST_RETRY_WAIT_SECONDS (2): straight to the fallback, no wait.
            busy.script = [.rateLimited(retryAfter: "120")]
            let movedOn = ContinuousClock.now
            let spared = try await h.send(.post, "/v1/chat/completions", json: H.chat("tutor"), token: h.learner)
            #expect(spared.headers[HTTPField.Name("X-Azora-Deployment")!] == "spare")
            #expect(ContinuousClock.now - movedOn < .seconds(30), "it did not wait the 120 seconds asked")

            // All rate limited: 429 with the shortest wait.
            busy.script = [.rateLimited(retryAfter: "30")]
            spare.script = [.rateLimited(retryAfter: "20")]
            let limited = try await h.send(.post, "/v1/chat/completions", json: H.chat("tutor"), token: h.learner)
            #expect(limited.status == .tooManyRequests && limited.headers[.retryAfter] == "20", "\(limited.text)")
        }
    }

    @Test func aBreakerOpensIsVisibleClosesByHandAndRecoversAfterItsPause() async throws {
        let flaky = try await FakeOpenAI.start()
        defer { Task { await flaky.stop() } }
        // A pause long enough that a busy machine still finds the breaker open right after.
        try await H.run(settings: ["AI_BREAKER_OPEN_SECONDS": "10"]) { h in
            try await h.deploy("flaky", on: flaky)
            flaky.script = [.fail(500), .fail(500)]
            // Two failures in a row (AI_BREAKER_FAILURES=2 in the harness) open it.
            #expect(try await h.send(.post, "/v1/chat/completions", json: H.chat("flaky"), token: h.learner).status == .serviceUnavailable)
            let refused = try await h.send(.post, "/v1/chat/completions", json: H.chat("flaky"), token: h.learner)
            #expect(refused.status == .serviceUnavailable && flaky.calls == 2, "an open breaker sends nothing upstream")
            #expect(refused.text.contains("circuit breaker open"))
            let breakers = try await h.send(.get, "/ai-orchestrator/breakers", token: h.admin)
            let tripped = breakers.items.first { $0["deployment"] as? String == "flaky" }
            #expect(tripped?["state"] as? String == "open" && tripped?["consecutiveFailures"] as? Int == 2)
            #expect(try await h.send(.get, "/ai-orchestrator/breakers", token: h.learner).status == .forbidden)

            let reset = try await h.send(.post, "/ai-orchestrator/breakers/flaky/reset", token: h.admin)
            #expect(reset.status == .ok && reset["state"] == "closed")
            #expect(try await h.send(.post, "/v1/chat/completions", json: H.chat("flaky"), token: h.learner).status == .ok)

            // Open again; once AI_BREAKER_OPEN_SECONDS have passed, one trial goes through and closes it.
            flaky.script = [.fail(500), .fail(500)]
            _ = try await h.send(.post, "/v1/chat/completions", json: H.chat("flaky"), token: h.learner)
            let reopened = ContinuousClock.now
            try await eventually(within: .seconds(60)) {
                try await h.send(.post, "/v1/chat/completions", json: H.chat("flaky"), token: h.learner).status == .ok
            }
            #expect(ContinuousClock.now - reopened >= .seconds(9), "no trial before the pause is over")
            #expect(flaky.calls == 6, "two failures, the call after the reset, two failures again, one trial: none while open")
            let closed = try await h.send(.get, "/ai-orchestrator/breakers", token: h.admin)
            #expect((closed.items.first { $0["deployment"] as? String == "flaky" })?["state"] as? String == "closed")
        }
    }

    @Test func contextWindowsAreRespectedAndOverflowFallsBack() async throws {
        let small = try await FakeOpenAI.start(), large = try await FakeOpenAI.start()
        defer { Task { await small.stop(); await large.stop() } }
        try await H.run { h in
            try await h.deploy("small", on: small, contextWindow: 200)
            try await h.deploy("large", on: large, contextWindow: 100_000)
            try await h.alias("tutor", targets: [("small", 1)], fallbacks: ["large"])
            let long = String(repeating: "word ", count: 400)
            let answer = try await h.send(.post, "/v1/chat/completions", json: H.chat("tutor", long), token: h.learner)
            #expect(answer.headers[HTTPField.Name("X-Azora-Deployment")!] == "large")
            #expect(small.calls == 0, "a window known to be too small is not tried")

            // The upstream says so itself: the next deployment takes it.
            small.script = [.contextOverflow]
            let overflowed = try await h.send(.post, "/v1/chat/completions", json: H.chat("tutor"), token: h.learner)
            #expect(overflowed.headers[HTTPField.Name("X-Azora-Deployment")!] == "large" && small.calls == 1)

            // Too long for every window: 400 naming the messages.
            let tooLong = try await h.send(.post, "/v1/chat/completions", json: H.chat("tutor", String(repeating: "word ", count: 100_000)),
                                           token: h.learner)
            #expect(tooLong.status == .badRequest && tooLong.code == "context_length_exceeded" && tooLong.fields == ["messages"])
        }
    }

    @Test func aRequestTheUpstreamRefusesIsTheClientsAndIsNotRetried() async throws {
        let first = try await FakeOpenAI.start(), second = try await FakeOpenAI.start()
        defer { Task { await first.stop(); await second.stop() } }
        try await H.run { h in
            try await h.deploy("first", on: first)
            try await h.deploy("second", on: second)
            try await h.alias("tutor", targets: [("first", 1)], fallbacks: ["second"])
            first.script = [.fail(400, message: "unsupported parameter: foo")]
            let refused = try await h.send(.post, "/v1/chat/completions", json: H.chat("tutor"), token: h.learner)
            #expect(refused.status == .badRequest && refused.code == "upstream_rejected" && refused.text.contains("unsupported parameter"))
            #expect(first.calls == 1 && second.calls == 0)

            // Bad input of our own: 422 naming the field, nothing sent.
            let invalid = try await h.send(.post, "/v1/chat/completions", json: ["model": "tutor", "messages": [], "temperature": 5],
                                           token: h.learner)
            #expect(invalid.status == .unprocessableContent && Set(invalid.fields) == ["messages", "temperature"])
            #expect((invalid.json["error"] as? [String: Any])?["type"] as? String == "invalid_request_error")
            let unknown = try await h.send(.post, "/v1/chat/completions", json: H.chat("nope"), token: h.learner)
            #expect(unknown.status == .notFound && (unknown.json["error"] as? [String: Any])?["code"] as? String == "model_not_found")
            #expect(try await h.send(.post, "/v1/chat/completions", json: H.chat("tutor")).status == .unauthorized)
            #expect(first.calls == 1)
        }
    }

    /// Events reach the client as the upstream produces them, not when it has finished.
    @Test func aStreamIsRelayedChunkByChunk() async throws {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }
        try await H.run { h in
            try await h.deploy("streamer", on: fake)
            fake.script = [.stream(["One", " two", " three", " four"], gap: .milliseconds(300))]
            let port = try #require(h.client.port)
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(h.learner)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: H.chat("streamer", stream: true,
                extra: ["stream_options": ["include_usage": true]]))))
            let started = ContinuousClock.now
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(response.headers.first(name: "content-type") == "text/event-stream")
            var text = "", firstEventAt: Duration?
            for try await buffer in response.body {
                text += String(buffer: buffer)
                if firstEventAt == nil, text.contains("data: ") { firstEventAt = ContinuousClock.now - started }
            }
            let total = ContinuousClock.now - started
            #expect(try #require(firstEventAt) < total - .milliseconds(600), "first event at \(firstEventAt!), all at \(total)")
            let events = text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(events.last == "data: [DONE]")
            let contents = events.dropLast().compactMap { event -> String? in
                let json = try? JSONSerialization.jsonObject(with: Data(event.dropFirst(6).utf8)) as? [String: Any]
                return ((json?["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String
            }
            #expect(contents.joined() == "One two three four")
            #expect(events.dropLast().last?.contains("\"usage\"") == true, "the usage chunk was asked for")
        }
    }

    /// A client that leaves in the middle of a stream has its call recorded as cancelled, once.
    @Test func aClientThatLeavesMidStreamIsRecordedAsCancelled() async throws {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }
        try await H.run { h in
            try await h.deploy("leaver", on: fake)
            // Spaced out, so that the orchestrator writes again after its first write to the
            // closed connection (which the kernel may still accept) has been refused by the peer.
            fake.script = [.stream(["One", " two", " three", " four", " five"], gap: .milliseconds(100), holdAfterFirst: true)]
            let port = try #require(h.client.port)
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(h.learner)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: H.chat("leaver", stream: true))))

            // The client reads the first event, which the upstream sent before it held, then leaves.
            let reader = Task {
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                var text = ""
                for try await buffer in response.body {
                    text += String(buffer: buffer)
                    if text.contains("One") { return text }
                }
                return text
            }
            #expect(try await reader.value.contains("data: "))
            // The orchestrator finds the client gone when it writes the next event.
            fake.release()

            var cancelled: Int?, seen = ""
            for _ in 0..<100 where cancelled == nil {
                let metrics = try await h.send(.get, "/ai-orchestrator/metrics", token: h.admin)
                let deployment = (metrics.json["deployments"] as? [[String: Any]])?.first { $0["name"] as? String == "leaver" }
                cancelled = (deployment?["errorsByKind"] as? [String: Any])?["cancelled"] as? Int
                seen = "\(deployment ?? [:])"
                if cancelled == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(cancelled == 1, "\(seen)")
        }
    }
}
