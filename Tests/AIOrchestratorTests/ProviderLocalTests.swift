import Foundation
import Logging
import Shared
import Testing

@testable import AIOrchestrator

/// The local provider: deterministic answers that say they are local, streamed by words, and
/// deterministic unit embeddings.
@Suite struct ProviderLocalTests {
    typealias F = ProviderFixtures
    let adapter = LocalProvider(logger: Logger(label: "test.local-provider"))
    let provider = F.provider(.local, baseURL: "local")

    @Test func theAnswerIsDeterministicAndSaysItIsLocal() async throws {
        let body = F.hello(["messages": [["role": "system", "content": "Be kind."], ["role": "user", "content": "What is  a monad?"]]])
        let call = try F.chat(body, provider: provider, deployment: F.deployment(model: "azora-local-small"))

        let first = try await adapter.chat(call)
        let second = try await adapter.chat(call)

        let expected = #"[local model azora-local-small] You said: "What is  a monad?" (4 words)."#
        let choice = F.first(first.response["choices"])
        #expect(choice?["message"]?["content"] == .string(expected))
        #expect(choice?["finish_reason"] == "stop")
        #expect(F.first(second.response["choices"]) == choice)
        #expect(first.response["system_fingerprint"] == "azora-local")
        #expect(first.response["object"] == "chat.completion")
        #expect(first.response["model"] == "azora-local-small")
        // "Be kind." + "What is  a monad?" = 25 bytes → 7 tokens; the answer's bytes / 4, rounded up.
        #expect(first.usage == TokenUsage(promptTokens: 7, completionTokens: (expected.utf8.count + 3) / 4))
        #expect(first.response["usage"]?["total_tokens"] == .number(Double(first.usage.totalTokens)))
    }

    @Test func aLongMessageIsEchoedInPartAndMaxTokensCutsTheAnswer() async throws {
        let long = String(repeating: "word ", count: 100)
        let echoed = try await adapter.chat(try F.chat(F.hello(["messages": [["role": "user", "content": .string(long)]]]), provider: provider))
        let cut = try await adapter.chat(try F.chat(F.hello(["max_tokens": 5]), provider: provider))

        let text = try #require(F.first(echoed.response["choices"])?["message"]?["content"]?.stringValue)
        #expect(text.contains(String(long.prefix(200)) + "…"))
        #expect(text.hasSuffix("(100 words)."))
        let cutChoice = F.first(cut.response["choices"])
        #expect(cutChoice?["finish_reason"] == "length")
        #expect(cutChoice?["message"]?["content"]?.stringValue?.count == 20)
        #expect(cut.usage.completionTokens == 5)
    }

    @Test func aStreamGivesTheSameTextWordByWordThenTheUsage() async throws {
        let call = try F.chat(F.hello(["stream": true]), provider: provider)
        let whole = try await adapter.chat(call)

        let parts = try await F.collect(try await adapter.streamChat(call))

        let text = try #require(F.first(whole.response["choices"])?["message"]?["content"]?.stringValue)
        let chunks = F.chunks(parts)
        #expect(F.content(parts) == text)
        #expect(chunks.count == text.split(separator: " ").count + 2)  // role, one per word, finish
        #expect(F.first(chunks.first?["choices"])?["delta"] == ["role": "assistant", "content": ""])
        #expect(F.first(chunks.last?["choices"])?["finish_reason"] == "stop")
        #expect(Set(chunks.map { $0["id"] }).count == 1)
        #expect(parts.last == .usage(whole.usage))
    }

    @Test func aStreamCanBePacedLikeARealModel() async throws {
        let paced = LocalProvider(chunkDelay: .milliseconds(30), logger: Logger(label: "test.local-provider"))
        let call = try F.chat(F.hello(["stream": true]), provider: provider)

        let start = ContinuousClock.now
        let parts = try await F.collect(try await paced.streamChat(call))

        #expect(ContinuousClock.now - start >= .milliseconds(30 * (parts.count - 1)))
    }

    @Test func embeddingsAreDeterministicUnitVectors() async throws {
        let call = try F.embedding(["model": "m", "input": ["the same text", "another text", "the same text"]], provider: provider)

        let outcome = try await adapter.embed(call)

        guard case .array(let data)? = outcome.response["data"] else {
            Issue.record("no data")
            return
        }
        let vectors: [[Double]] = data.map { item in
            guard case .array(let values)? = item["embedding"] else { return [] }
            return values.compactMap { if case .number(let value) = $0 { value } else { nil } }
        }
        #expect(vectors.count == 3)
        #expect(vectors.allSatisfy { $0.count == 64 })
        #expect(vectors.allSatisfy { abs($0.reduce(0) { $0 + $1 * $1 } - 1) < 1e-9 })
        #expect(vectors[0] == vectors[2])
        #expect(vectors[0] != vectors[1])
        #expect(vectors[0] == LocalModel.embedding(of: "the same text"))
        #expect(data.map { $0["index"] } == [0, 1, 2])
        #expect(outcome.usage == TokenUsage(promptTokens: call.request.estimatedTokens, completionTokens: 0))
    }

    @Test func embeddingsHonourDimensionsAndBase64() async throws {
        let call = try F.embedding(["model": "m", "input": "hello", "dimensions": 100, "encoding_format": "base64"], provider: provider)

        let outcome = try await adapter.embed(call)

        let text = try #require(F.first(outcome.response["data"])?["embedding"]?.stringValue)
        let bytes = try #require(Data(base64Encoded: text))
        #expect(bytes.count == 400)
        let floats = stride(from: 0, to: bytes.count, by: 4).map { offset in
            Float(bitPattern: bytes[offset..<offset + 4].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) })
        }
        let expected = LocalModel.embedding(of: "hello", dimensions: 100).map(Float.init)
        #expect(floats == expected)
    }

    @Test func theProbeAlwaysSucceeds() async throws {
        try await adapter.probe(F.deployment(), provider: provider, apiKey: nil)
    }

    @Test func theAdaptersMapEachKindToItsDialect() {
        let adapters = ProviderAdapters(httpClient: PeerHTTPClient.shared)

        #expect(adapters.adapter(for: .openAICompatible) is OpenAICompatibleProvider)
        #expect(adapters.adapter(for: .anthropic) is AnthropicProvider)
        #expect(adapters.adapter(for: .local) is LocalProvider)
    }
}
