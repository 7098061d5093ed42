import Foundation
import Shared
import Testing

@testable import AIOrchestrator

/// Server-sent events read from bytes as they arrive, however the reads cut them, and the
/// stream translators' bookkeeping.
@Suite struct ProviderStreamParsingTests {
    static let text = ": keep-alive\n\nevent: message_start\ndata: {\"a\":1}\n\ndata: line one\ndata: line two\n\ndata:no space\r\n\r\nevent: ping\ndata: {}\r\rdata: [DONE]\n\n"
    static let expected = [
        ServerSentEvent(name: "message_start", data: "{\"a\":1}"),
        ServerSentEvent(name: nil, data: "line one\nline two"),
        ServerSentEvent(name: nil, data: "no space"),
        ServerSentEvent(name: "ping", data: "{}"),
        ServerSentEvent(name: nil, data: "[DONE]"),
    ]

    @Test func eventsAreSplitOnBlankLinesWithAnyLineEnding() {
        var parser = ServerSentEventParser()

        let events = parser.feed(Array(Self.text.utf8)) + parser.finish()

        #expect(events == Self.expected)
    }

    @Test(arguments: [1, 2, 3, 7, 13])
    func eventsCutAcrossReadsAtAnyPointComeOutTheSame(readSize: Int) {
        var parser = ServerSentEventParser()
        let bytes = Array(Self.text.utf8)

        var events: [ServerSentEvent] = []
        for start in stride(from: 0, to: bytes.count, by: readSize) {
            events += parser.feed(bytes[start..<min(start + readSize, bytes.count)])
        }
        events += parser.finish()

        #expect(events == Self.expected)
    }

    @Test func aMultiByteCharacterCutBetweenReadsIsKeptWhole() {
        var parser = ServerSentEventParser()
        let bytes = Array("data: naïve ✓\n\n".utf8)

        let events = parser.feed(bytes[..<9]) + parser.feed(bytes[9..<14]) + parser.feed(bytes[14...])

        #expect(events == [ServerSentEvent(name: nil, data: "naïve ✓")])
    }

    @Test func aLastEventWithoutItsBlankLineIsStillRead() {
        var parser = ServerSentEventParser()

        let events = parser.feed(Array("data: first\n\ndata: last".utf8)) + parser.finish()

        #expect(events == [ServerSentEvent(name: nil, data: "first"), ServerSentEvent(name: nil, data: "last")])
    }

    @Test func anEventWithoutDataIsNotDispatched() {
        var parser = ServerSentEventParser()

        let events = parser.feed(Array("event: lonely\n\nid: 4\nretry: 10\n\n".utf8)) + parser.finish()

        #expect(events.isEmpty)
    }

    @Test func theOpenAIUsageChunkBecomesUsageAndIsNotForwarded() throws {
        var translator = OpenAIStreamTranslator(clientWantsUsage: true, estimatedPromptTokens: 99, apiKey: nil)

        let content = try translator.parts(for: ServerSentEvent(name: nil, data: #"{"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"stop"}],"usage":null}"#))
        let usage = try translator.parts(for: ServerSentEvent(name: nil, data: #"{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}"#))
        let done = try translator.parts(for: ServerSentEvent(name: nil, data: "[DONE]"))

        #expect(content.count == 1)
        #expect(usage.isEmpty)
        #expect(done.isEmpty)
        #expect(translator.isComplete)
        #expect(try translator.finish() == [.usage(TokenUsage(promptTokens: 3, completionTokens: 4))])
    }

    @Test func anUnchangedChunkKeepsTheUpstreamsTextAndAChangedOneDoesNot() throws {
        var translator = OpenAIStreamTranslator(clientWantsUsage: false, estimatedPromptTokens: 1, apiKey: nil)
        let plain = #"{"choices":[{"index":0,"delta":{"content":"x"}}],"id":"c1","model":"m"}"#
        let withNullUsage = #"{"choices":[{"index":0,"delta":{"content":"y"}}],"usage":null}"#
        let spanningLines = "{\"choices\":[{\"index\":0,\n\"delta\":{\"content\":\"z\"}}]}"

        let kept = try translator.parts(for: ServerSentEvent(name: nil, data: plain))
        let rewritten = try translator.parts(for: ServerSentEvent(name: nil, data: withNullUsage))
        let multiLine = try translator.parts(for: ServerSentEvent(name: nil, data: spanningLines))

        guard case .chunk(_, let keptText)? = kept.first, case .chunk(let changed, let changedText)? = rewritten.first,
              case .chunk(_, let multiLineText)? = multiLine.first else {
            Issue.record("expected three chunks, got \(kept), \(rewritten), \(multiLine)")
            return
        }
        #expect(keptText == plain)
        #expect(changedText == nil)
        #expect(changed["usage"] == nil)
        #expect(multiLineText == nil)
    }

    @Test func azuresContentFilterChunkWithoutChoicesIsForwarded() throws {
        var translator = OpenAIStreamTranslator(clientWantsUsage: false, estimatedPromptTokens: 1, apiKey: nil)

        let parts = try translator.parts(for: ServerSentEvent(name: nil, data: #"{"choices":[],"prompt_filter_results":[]}"#))

        #expect(parts.count == 1)
    }

    @Test func anUnreadableChunkIsMalformed() {
        var translator = OpenAIStreamTranslator(clientWantsUsage: false, estimatedPromptTokens: 1, apiKey: nil)

        #expect(throws: ProviderError.self) { _ = try translator.parts(for: ServerSentEvent(name: nil, data: "{not json")) }
    }

    @Test func anthropicStopReasonsBecomeOpenAIFinishReasons() {
        #expect(AnthropicResponse.finishReason("end_turn") == "stop")
        #expect(AnthropicResponse.finishReason("stop_sequence") == "stop")
        #expect(AnthropicResponse.finishReason("max_tokens") == "length")
        #expect(AnthropicResponse.finishReason("tool_use") == "tool_calls")
        #expect(AnthropicResponse.finishReason("refusal") == "content_filter")
    }

    @Test func anthropicCacheTokensCountAsPromptTokens() {
        let usage = AnthropicResponse.usage(["input_tokens": 10, "cache_read_input_tokens": 100, "cache_creation_input_tokens": 5, "output_tokens": 3])

        #expect(usage == TokenUsage(promptTokens: 115, completionTokens: 3))
    }
}
