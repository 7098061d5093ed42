import Foundation
import Shared
import Testing

@testable import AIOrchestrator

/// The Anthropic adapter against a fake Messages API: OpenAI requests translated on the way
/// out, answers and streams translated back, and Anthropic's failures mapped.
@Suite struct ProviderAnthropicTests {
    typealias F = ProviderFixtures
    let adapter = AnthropicProvider(httpClient: PeerHTTPClient.shared)
    static let model = "claude-sonnet-4-5"

    func call(_ body: JSONValue, _ fake: FakeUpstream, maxOutputTokens: Int? = nil, timeoutSeconds: Int = 30) throws -> ChatCall {
        try F.chat(body, provider: F.provider(.anthropic, baseURL: fake.url, timeoutSeconds: timeoutSeconds),
                   deployment: F.deployment(model: Self.model, maxOutputTokens: maxOutputTokens))
    }

    @Test func aChatIsSentAsAMessagesRequestWithAnthropicsHeaders() async throws {
        let fake = try await FakeAnthropic.start()
        defer { Task { await fake.stop() } }
        let body: JSONValue = [
            "model": "tutor-default",
            "messages": [
                ["role": "system", "content": "Be brief."],
                ["role": "developer", "content": [["type": "text", "text": "Answer in English."]]],
                ["role": "user", "content": "Hello there"],
                ["role": "assistant", "content": "Hi!"],
                ["role": "user", "content": [["type": "text", "text": "Explain recursion"]]],
            ],
            "temperature": .number(1.4), "top_p": .number(0.9), "stop": "END", "max_tokens": 300, "user": "u-1", "seed": 3,
        ]

        _ = try await adapter.chat(try call(body, fake))

        let sent = try #require(fake.requests.first)
        #expect(sent.method == "POST")
        #expect(sent.path == "/v1/messages")
        #expect(sent.header("x-api-key") == F.key)
        #expect(sent.header("anthropic-version") == "2023-06-01")
        #expect(sent.header("content-type") == "application/json")
        #expect(sent.header("authorization") == nil)
        #expect(sent.body == [
            "model": .string(Self.model), "max_tokens": 300,
            "system": "Be brief.\n\nAnswer in English.",
            "messages": [
                ["role": "user", "content": "Hello there"],
                ["role": "assistant", "content": "Hi!"],
                ["role": "user", "content": [["type": "text", "text": "Explain recursion"]]],
            ],
            "temperature": 1, "top_p": .number(0.9), "stop_sequences": ["END"], "metadata": ["user_id": "u-1"],
        ])
    }

    @Test func maxTokensComesFromTheRequestElseTheDeploymentElse1024() async throws {
        let fake = try await FakeAnthropic.start()
        defer { Task { await fake.stop() } }

        _ = try await adapter.chat(try call(F.hello(["max_completion_tokens": 77]), fake, maxOutputTokens: 4096))
        _ = try await adapter.chat(try call(F.hello(), fake, maxOutputTokens: 4096))
        _ = try await adapter.chat(try call(F.hello(), fake))

        #expect(fake.requests.map { $0.body?["max_tokens"] } == [77, 4096, 1024])
    }

    @Test func theAnswerComesBackAsAnOpenAIChatCompletion() async throws {
        let fake = try await FakeAnthropic.start()
        defer { Task { await fake.stop() } }
        fake.script = [.answer("Recursion is a function calling itself.")]

        let outcome = try await adapter.chat(try call(F.hello(), fake))

        let response = outcome.response
        #expect(response["id"] == "msg_fake")
        #expect(response["object"] == "chat.completion")
        #expect(response["model"] == .string(Self.model))
        #expect(UpstreamJSON.int(response["created"]) != nil)
        #expect(F.first(response["choices"]) == [
            "index": 0, "logprobs": .null, "finish_reason": "stop",
            "message": ["role": "assistant", "content": "Recursion is a function calling itself."],
        ])
        #expect(response["usage"] == ["prompt_tokens": 21, "completion_tokens": 6, "total_tokens": 27])
        #expect(outcome.usage == TokenUsage(promptTokens: 21, completionTokens: 6))
    }

    @Test func toolCallsAndResultsAreTranslatedBothWays() async throws {
        let fake = try await FakeAnthropic.start()
        defer { Task { await fake.stop() } }
        fake.script = [.toolCall(name: "lookup", arguments: #"{"term":"recursion"}"#)]
        let parameters: JSONValue = ["type": "object", "properties": ["term": ["type": "string"]], "required": ["term"]]
        let body: JSONValue = [
            "model": "tutor-default",
            "messages": [
                ["role": "user", "content": "Define recursion and tail calls"],
                ["role": "assistant", "content": .null, "tool_calls": [
                    ["id": "call_1", "type": "function", "function": ["name": "lookup", "arguments": #"{"term":"tail call"}"#]],
                    ["id": "call_2", "type": "function", "function": ["name": "lookup", "arguments": #"{"term":"stack"}"#]],
                ]],
                ["role": "tool", "tool_call_id": "call_1", "content": "A call in tail position."],
                ["role": "tool", "tool_call_id": "call_2", "content": [["type": "text", "text": "A LIFO structure."]]],
            ],
            "tools": [["type": "function", "function": ["name": "lookup", "description": "Looks a term up", "parameters": parameters]]],
            "tool_choice": "required",
            "parallel_tool_calls": false,
        ]

        let outcome = try await adapter.chat(try call(body, fake))

        let sent = try #require(fake.requests.first?.body)
        #expect(sent["messages"] == [
            ["role": "user", "content": "Define recursion and tail calls"],
            ["role": "assistant", "content": [
                ["type": "tool_use", "id": "call_1", "name": "lookup", "input": ["term": "tail call"]],
                ["type": "tool_use", "id": "call_2", "name": "lookup", "input": ["term": "stack"]],
            ]],
            ["role": "user", "content": [
                ["type": "tool_result", "tool_use_id": "call_1", "content": "A call in tail position."],
                ["type": "tool_result", "tool_use_id": "call_2", "content": "A LIFO structure."],
            ]],
        ])
        #expect(sent["tools"] == [["name": "lookup", "description": "Looks a term up", "input_schema": parameters]])
        #expect(sent["tool_choice"] == ["type": "any", "disable_parallel_tool_use": true])
        let choice = try #require(F.first(outcome.response["choices"]))
        #expect(choice["finish_reason"] == "tool_calls")
        #expect(choice["message"]?["content"] == "Let me check.")
        #expect(choice["message"]?["tool_calls"] == [
            ["id": "toolu_fake", "type": "function", "function": ["name": "lookup", "arguments": #"{"term":"recursion"}"#]],
        ])
    }

    @Test func imagesAreTranslatedAndOtherPartsRefusedWithoutACall() async throws {
        let fake = try await FakeAnthropic.start()
        defer { Task { await fake.stop() } }
        let withImages: JSONValue = ["model": "m", "messages": [["role": "user", "content": [
            ["type": "text", "text": "What is this?"],
            ["type": "image_url", "image_url": ["url": "data:image/png;base64,iVBORw0KGgo="]],
            ["type": "image_url", "image_url": ["url": "https://example.com/cat.jpg", "detail": "low"]],
        ]]]]
        let withAudio: JSONValue = ["model": "m", "messages": [["role": "user", "content": [
            ["type": "input_audio", "input_audio": ["data": "AAAA", "format": "wav"]],
        ]]]]

        _ = try await adapter.chat(try call(withImages, fake))
        let audio = await F.error { _ = try await adapter.chat(try call(withAudio, fake)) }
        let twoChoices = await F.error { _ = try await adapter.chat(try call(F.hello(["n": 2]), fake)) }
        let json = await F.error { _ = try await adapter.chat(try call(F.hello(["response_format": ["type": "json_object"]]), fake)) }

        #expect(fake.requests.first?.body?["messages"] == [["role": "user", "content": [
            ["type": "text", "text": "What is this?"],
            ["type": "image", "source": ["type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="]],
            ["type": "image", "source": ["type": "url", "url": "https://example.com/cat.jpg"]],
        ]]])
        #expect(audio as? ProviderError == .rejected(
            status: 422, message: "messages[0].content[0].type: 'input_audio' parts are not supported by Anthropic deployments"))
        guard case .rejected(422, _)? = twoChoices as? ProviderError, case .rejected(422, _)? = json as? ProviderError else {
            Issue.record("n and response_format should be refused: \(String(describing: twoChoices)), \(String(describing: json))")
            return
        }
        #expect(fake.calls == 1)
    }

    @Test func aStreamIsTranslatedToOpenAIChunksWithTheUsage() async throws {
        let fake = try await FakeAnthropic.start()
        defer { Task { await fake.stop() } }
        fake.script = [.answer("Stream me please")]

        let parts = try await F.collect(try await adapter.streamChat(try call(F.hello(["stream": true]), fake)))

        #expect(fake.requests.first?.body?["stream"] == true)
        #expect(fake.requests.first?.header("accept") == "text/event-stream")
        let chunks = F.chunks(parts)
        #expect(chunks.count == 5)
        #expect(chunks.allSatisfy { $0["object"] == "chat.completion.chunk" && $0["model"] == .string(Self.model) && $0["id"] == "msg_fake" })
        #expect(F.first(chunks.first?["choices"])?["delta"] == ["role": "assistant", "content": ""])
        #expect(F.content(parts) == "Stream me please")
        #expect(F.first(chunks.last?["choices"])?["finish_reason"] == "stop")
        #expect(F.first(chunks.last?["choices"])?["delta"] == [:])
        #expect(parts.last == .usage(TokenUsage(promptTokens: FakeUpstream.promptTokens, completionTokens: 3)))
    }

    @Test func aStreamIsReadIncrementally() async throws {
        let fake = try await FakeAnthropic.start()
        defer { Task { await fake.stop() } }
        fake.script = [.stream(["Early ", "late"], holdAfterFirst: true)]

        let stream = try await adapter.streamChat(try call(F.hello(["stream": true]), fake))
        var iterator = stream.makeAsyncIterator()
        var early: [StreamPart] = []
        while F.content(early).isEmpty, let part = try await iterator.next() { early.append(part) }

        #expect(F.content(early) == "Early ")
        #expect(fake.piecesSent == 1)
        fake.release()
        var rest: [StreamPart] = []
        while let part = try await iterator.next() { rest.append(part) }
        #expect(F.content(early + rest) == "Early late")
    }

    @Test func aStreamedToolUseBecomesToolCallDeltas() async throws {
        let fake = try await FakeAnthropic.start()
        defer { Task { await fake.stop() } }
        fake.script = [.toolCall(name: "lookup", arguments: #"{"term":"recursion"}"#)]

        let parts = try await F.collect(try await adapter.streamChat(try call(F.hello(["stream": true]), fake)))

        let deltas = F.chunks(parts).compactMap { F.first($0["choices"])?["delta"] }
        let calls = deltas.compactMap { F.first($0["tool_calls"]) }
        #expect(calls.first == ["index": 0, "id": "toolu_fake", "type": "function", "function": ["name": "lookup", "arguments": ""]])
        #expect(calls.dropFirst().allSatisfy { $0["index"] == 0 && $0["id"] == nil })
        #expect(calls.compactMap { $0["function"]?["arguments"]?.stringValue }.joined() == #"{"term":"recursion"}"#)
        #expect(F.first(F.chunks(parts).last?["choices"])?["finish_reason"] == "tool_calls")
        #expect(F.usages(parts) == [TokenUsage(promptTokens: FakeUpstream.promptTokens, completionTokens: 9)])
    }

    @Test func anthropicsFailuresMapToProviderErrors() async throws {
        let fake = try await FakeAnthropic.start()
        defer { Task { await fake.stop() } }
        let request = try call(F.hello(), fake)
        fake.script = [.rateLimited(retryAfter: "5"), .fail(529, message: "Overloaded"), .fail(413, message: "Request exceeds the maximum size"),
                       .contextOverflow, .fail(400, message: "max_tokens: must be at most 8192"), .fail(500, message: "Internal")]

        var errors: [ProviderError?] = []
        for _ in 0..<6 { errors.append(await F.error { _ = try await adapter.chat(request) } as? ProviderError) }

        #expect(errors == [
            .rateLimited(retryAfter: .seconds(5), message: "slow down"),
            .unavailable(status: 529, message: "Overloaded"),
            .contextOverflow(message: "Request exceeds the maximum size"),
            .contextOverflow(message: "prompt is too long: 210000 tokens > 200000 maximum"),
            .rejected(status: 400, message: "max_tokens: must be at most 8192"),
            .unavailable(status: 500, message: "Internal"),
        ])
    }

    @Test func anErrorEventEndsTheStreamOrFailsTheCallWhenItComesFirst() async throws {
        let fake = try await FakeAnthropic.start()
        defer { Task { await fake.stop() } }
        let request = try call(F.hello(["stream": true]), fake)
        let overloaded = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"
        fake.script = [
            .events([
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Par\"}}\n\n",
                overloaded,
            ]),
            .events([overloaded]),
        ]

        let stream = try await adapter.streamChat(request)
        var parts: [StreamPart] = []
        let midStream = await F.error { for try await part in stream { parts.append(part) } }
        let first = await F.error { _ = try await adapter.streamChat(request) }

        #expect(F.content(parts) == "Par")
        #expect(midStream as? ProviderError == .unavailable(status: 529, message: "Overloaded"))
        #expect(first as? ProviderError == .unavailable(status: 529, message: "Overloaded"))
    }

    @Test func embeddingsAreRefusedWithoutACall() async throws {
        let fake = try await FakeAnthropic.start()
        defer { Task { await fake.stop() } }
        let call = try F.embedding(["model": "m", "input": "hello"], provider: F.provider(.anthropic, baseURL: fake.url),
                                   deployment: F.deployment(model: Self.model))

        let error = await F.error { _ = try await adapter.embed(call) }

        guard case .rejected(422, _)? = error as? ProviderError else {
            Issue.record("expected a 422 refusal, got \(String(describing: error))")
            return
        }
        #expect(fake.calls == 0)
    }

    @Test func theProbeAsksForTheModelWithAnthropicsHeaders() async throws {
        let fake = try await FakeAnthropic.start()
        defer { Task { await fake.stop() } }
        let provider = F.provider(.anthropic, baseURL: fake.url + "/v1")

        try await adapter.probe(F.deployment(model: Self.model), provider: provider, apiKey: F.key)
        fake.script = [.fail(404, message: "model: claude-nope")]
        let error = await F.error { try await adapter.probe(F.deployment(model: "claude-nope"), provider: provider, apiKey: F.key) }

        let sent = try #require(fake.requests.first)
        #expect(sent.method == "GET")
        #expect(sent.path == "/v1/models/\(Self.model)")
        #expect(sent.header("x-api-key") == F.key)
        #expect(sent.header("anthropic-version") == "2023-06-01")
        #expect(error as? ProviderError == .unavailable(status: 404, message: "model: claude-nope"))
    }
}
