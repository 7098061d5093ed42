import Foundation
import Shared
import Testing

@testable import AIOrchestrator

/// The OpenAI-compatible adapter against a fake OpenAI upstream: the exact requests, the
/// answers, streams read as they arrive, and Azure's dialect.
@Suite struct ProviderOpenAITests {
    typealias F = ProviderFixtures
    let adapter = OpenAICompatibleProvider(httpClient: PeerHTTPClient.shared)

    @Test func aChatSendsTheClientsBodyWithTheDeploymentsModelAndTheBearerKey() async throws {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }
        fake.script = [.answer("Hi, how can I help?")]
        let body = F.hello(["temperature": .number(0.2), "max_tokens": 50, "seed": 7, "user": "u-1", "metadata": ["course": "c-1"]])
        let call = try F.chat(body, provider: F.provider(.openAICompatible, baseURL: fake.url), deployment: F.deployment(model: "gpt-4o-mini"))

        let outcome = try await adapter.chat(call)

        let sent = try #require(fake.requests.first)
        #expect(sent.method == "POST")
        #expect(sent.path == "/v1/chat/completions")
        #expect(sent.query == nil)
        #expect(sent.header("authorization") == "Bearer \(F.key)")
        #expect(sent.header("api-key") == nil)
        #expect(sent.header("content-type") == "application/json")
        #expect(sent.body == .object(call.request.body(model: "gpt-4o-mini")))
        #expect(sent.body?["model"] == "gpt-4o-mini")
        #expect(F.first(outcome.response["choices"])?["message"]?["content"] == "Hi, how can I help?")
        #expect(outcome.usage == TokenUsage(promptTokens: FakeUpstream.promptTokens, completionTokens: 5))
    }

    @Test func aProviderWithoutAKeySendsNoAuthorization() async throws {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }
        let call = try F.chat(F.hello(), provider: F.provider(.openAICompatible, baseURL: fake.url + "/"), apiKey: nil)

        _ = try await adapter.chat(call)

        let sent = try #require(fake.requests.first)
        #expect(sent.path == "/v1/chat/completions")
        #expect(sent.header("authorization") == nil)
        #expect(sent.header("api-key") == nil)
    }

    @Test func anAnswerWithoutUsageIsEstimatedFromThePromptAndTheAnswer() async throws {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }
        let answer = String(repeating: "a", count: 40)
        fake.script = [.raw(status: 200, headers: ["Content-Type": "application/json"], body: """
            {"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"\(answer)"},"finish_reason":"stop"}]}
            """)]
        let call = try F.chat(F.hello(), provider: F.provider(.openAICompatible, baseURL: fake.url))

        let outcome = try await adapter.chat(call)

        #expect(outcome.usage == TokenUsage(promptTokens: call.request.estimatedPromptTokens, completionTokens: 10))
    }

    @Test func azureIsCalledAtItsDeploymentURLWithTheApiKeyHeader() async throws {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }
        let provider = F.provider(.openAICompatible, baseURL: fake.rootURL, apiVersion: "2024-10-21")
        let call = try F.chat(F.hello(), provider: provider, deployment: F.deployment(model: "tutor-gpt4o"))

        _ = try await adapter.chat(call)
        _ = try await adapter.embed(try F.embedding(["model": "emb", "input": "hello"], provider: provider,
                                                   deployment: F.deployment(model: "tutor-embed")))

        let chat = try #require(fake.requests.first)
        #expect(chat.path == "/openai/deployments/tutor-gpt4o/chat/completions")
        #expect(chat.query == "api-version=2024-10-21")
        #expect(chat.header("api-key") == F.key)
        #expect(chat.header("authorization") == nil)
        #expect(chat.body?["model"] == "tutor-gpt4o")
        #expect(fake.requests.last?.path == "/openai/deployments/tutor-embed/embeddings")
        #expect(fake.requests.last?.query == "api-version=2024-10-21")
    }

    @Test func embeddingsSendTheDeploymentsModelAndReadTheUsage() async throws {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }
        let call = try F.embedding(["model": "embed-default", "input": ["one", "two"], "encoding_format": "float"],
                                   provider: F.provider(.openAICompatible, baseURL: fake.url))

        let outcome = try await adapter.embed(call)

        let sent = try #require(fake.requests.first)
        #expect(sent.path == "/v1/embeddings")
        #expect(sent.header("authorization") == "Bearer \(F.key)")
        #expect(sent.body == ["model": "text-embedding-3-small", "input": ["one", "two"], "encoding_format": "float"])
        #expect(outcome.usage == TokenUsage(promptTokens: FakeUpstream.embeddingTokens, completionTokens: 0))
        if case .array(let data)? = outcome.response["data"] { #expect(data.count == 2) } else { Issue.record("no data") }
    }

    @Test func aStreamAsksForTheUsageAndYieldsEveryChunkThenTheUsage() async throws {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }
        fake.script = [.answer("One two three")]
        let call = try F.chat(F.hello(["stream": true]), provider: F.provider(.openAICompatible, baseURL: fake.url))

        let parts = try await F.collect(try await adapter.streamChat(call))

        let sent = try #require(fake.requests.first)
        #expect(sent.header("accept") == "text/event-stream")
        #expect(sent.body?["stream"] == true)
        #expect(sent.body?["stream_options"] == ["include_usage": true])
        let chunks = F.chunks(parts)
        #expect(chunks.count == 5)  // role, three words, finish; not the usage chunk
        #expect(F.content(parts) == "One two three")
        #expect(chunks.allSatisfy { $0["usage"] == nil })  // the client did not ask for usage
        #expect(chunks.last.flatMap { F.first($0["choices"]) }?["finish_reason"] == "stop")
        #expect(parts.last == .usage(TokenUsage(promptTokens: FakeUpstream.promptTokens, completionTokens: 3)))
        #expect(F.usages(parts).count == 1)
    }

    @Test func aClientThatAskedForUsageKeepsTheUsageMembersOfItsChunks() async throws {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }
        let call = try F.chat(F.hello(["stream": true, "stream_options": ["include_usage": true]]),
                              provider: F.provider(.openAICompatible, baseURL: fake.url))

        let parts = try await F.collect(try await adapter.streamChat(call))

        #expect(F.chunks(parts).allSatisfy { $0["usage"] == .null })
        #expect(F.usages(parts).count == 1)
    }

    @Test func anUpstreamThatIgnoresIncludeUsageHasItsStreamUsageEstimated() async throws {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }
        fake.script = [.events([
            #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"abcdefgh"},"finish_reason":null}]}"# + "\n\n",
            #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\n",
            "data: [DONE]\n\n",
        ])]
        let call = try F.chat(F.hello(["stream": true]), provider: F.provider(.openAICompatible, baseURL: fake.url))

        let parts = try await F.collect(try await adapter.streamChat(call))

        #expect(F.usages(parts) == [TokenUsage(promptTokens: call.request.estimatedPromptTokens, completionTokens: 2)])
    }

    @Test func aStreamIsReadIncrementallyNotAfterTheUpstreamFinishes() async throws {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }
        fake.script = [.stream(["First ", "second ", "third"], holdAfterFirst: true)]
        let call = try F.chat(F.hello(["stream": true]), provider: F.provider(.openAICompatible, baseURL: fake.url))

        // The fake holds after its first piece: a buffering adapter would time out here.
        let stream = try await adapter.streamChat(call)
        var iterator = stream.makeAsyncIterator()
        var early: [StreamPart] = []
        while F.content(early).isEmpty, let part = try await iterator.next() { early.append(part) }

        #expect(F.content(early) == "First ")
        #expect(fake.piecesSent == 1)
        fake.release()
        var rest: [StreamPart] = []
        while let part = try await iterator.next() { rest.append(part) }
        #expect(F.content(early + rest) == "First second third")
        #expect(fake.piecesSent == 3)
    }

    @Test func aStreamThatStallsAfterItsFirstChunkEndsWithATimeout() async throws {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }
        fake.script = [.stream(["Hello ", "world"], gap: .seconds(60))]
        // The idle limit also bounds the wait for the response head: long enough for a machine busy
        // starting the suite (3 s was not, once in a full run).
        let adapter = OpenAICompatibleProvider(httpClient: PeerHTTPClient.shared, streamIdleLimit: .seconds(6))
        let call = try F.chat(F.hello(["stream": true]), provider: F.provider(.openAICompatible, baseURL: fake.url))

        let stream = try await adapter.streamChat(call)
        var parts: [StreamPart] = []
        let error = await F.error { for try await part in stream { parts.append(part) } }

        #expect(F.content(parts) == "Hello ")
        #expect(error as? ProviderError == .timeout)
    }

    @Test func aStreamCutShortEndsWithUnavailable() async throws {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }
        fake.script = [.events([
            #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Half"},"finish_reason":null}]}"# + "\n\n",
        ])]
        let call = try F.chat(F.hello(["stream": true]), provider: F.provider(.openAICompatible, baseURL: fake.url))

        let stream = try await adapter.streamChat(call)
        var parts: [StreamPart] = []
        let error = await F.error { for try await part in stream { parts.append(part) } }

        #expect(F.content(parts) == "Half")
        guard case .unavailable(nil, _)? = error as? ProviderError else {
            Issue.record("expected unavailable, got \(String(describing: error))")
            return
        }
    }

    @Test func anErrorChunkMidStreamEndsTheStreamWithItsError() async throws {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }
        fake.script = [.events([
            #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}"# + "\n\n",
            #"data: {"error":{"message":"The server had an error","type":"server_error"}}"# + "\n\n",
        ])]
        let call = try F.chat(F.hello(["stream": true]), provider: F.provider(.openAICompatible, baseURL: fake.url))

        let stream = try await adapter.streamChat(call)
        let error = await F.error { for try await _ in stream {} }

        #expect(error as? ProviderError == .unavailable(status: nil, message: "The server had an error"))
    }

    @Test func theProbeListsTheModelsWithTheKeyAndAzureProbesWithOneToken() async throws {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }

        try await adapter.probe(F.deployment(), provider: F.provider(.openAICompatible, baseURL: fake.url), apiKey: F.key)
        try await adapter.probe(F.deployment(model: "tutor-gpt4o"),
                                provider: F.provider(.openAICompatible, baseURL: fake.rootURL, apiVersion: "2024-10-21"), apiKey: F.key)
        fake.script = [.fail(503)]
        let error = await F.error { try await adapter.probe(F.deployment(), provider: F.provider(.openAICompatible, baseURL: fake.url), apiKey: F.key) }

        let requests = fake.requests
        #expect(requests.first?.method == "GET")
        #expect(requests.first?.path == "/v1/models")
        #expect(requests.first?.header("authorization") == "Bearer \(F.key)")
        #expect(requests[1].path == "/openai/deployments/tutor-gpt4o/chat/completions")
        #expect(requests[1].body?["max_tokens"] == 1)
        #expect(requests[1].header("api-key") == F.key)
        guard case .unavailable(503, _)? = error as? ProviderError else {
            Issue.record("expected unavailable(503), got \(String(describing: error))")
            return
        }
    }
}
