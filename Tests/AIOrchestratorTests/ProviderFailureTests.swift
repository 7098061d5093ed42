import Foundation
import NIOCore
import NIOHTTP1
import Shared
import TestSupport
import Testing

@testable import AIOrchestrator

/// How upstream failures reach the router: each status and transport failure as the
/// `ProviderError` that decides retry, fallback or refusal, `Retry-After` read in all its forms,
/// and the key never in an error.
@Suite struct ProviderFailureTests {
    typealias F = ProviderFixtures
    let adapter = OpenAICompatibleProvider(httpClient: PeerHTTPClient.shared)

    /// The error a non-streaming chat against a fake answering with `step` throws.
    func chatError(_ step: FakeStep, timeoutSeconds: Int = 30) async throws -> ProviderError? {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }
        fake.script = [step]
        let call = try F.chat(F.hello(), provider: F.provider(.openAICompatible, baseURL: fake.url, timeoutSeconds: timeoutSeconds))
        let error = await F.error { _ = try await adapter.chat(call) }
        return error as? ProviderError
    }

    @Test func serverErrorsAreUnavailableWithTheirStatusAndMessage() async throws {
        #expect(try await chatError(.fail(503, message: "down for maintenance")) == .unavailable(status: 503, message: "down for maintenance"))
        #expect(try await chatError(.fail(500)) == .unavailable(status: 500, message: "the fake upstream failed on purpose"))
    }

    @Test func aRateLimitCarriesTheRetryAfterSeconds() async throws {
        #expect(try await chatError(.rateLimited(retryAfter: "7")) == .rateLimited(retryAfter: .seconds(7), message: "slow down"))
    }

    @Test func aContextLengthRefusalIsAContextOverflow() async throws {
        guard case .contextOverflow(let message)? = try await chatError(.contextOverflow) else {
            Issue.record("expected a context overflow")
            return
        }
        #expect(message.contains("maximum context length"))
    }

    @Test func anotherClientErrorIsRejectedWithTheUpstreamsMessage() async throws {
        #expect(try await chatError(.fail(400, message: "temperature is out of range")) == .rejected(status: 400, message: "temperature is out of range"))
        #expect(try await chatError(.fail(422, message: "bad tool schema")) == .rejected(status: 422, message: "bad tool schema"))
    }

    @Test func aRefusedKeyOrUnknownModelIsTheDeploymentsFaultNotTheClients() async throws {
        #expect(try await chatError(.fail(401, message: "invalid key")) == .unavailable(status: 401, message: "invalid key"))
        #expect(try await chatError(.fail(404, message: "no such model")) == .unavailable(status: 404, message: "no such model"))
    }

    @Test func upstreamTimeoutStatusesAreTimeouts() async throws {
        #expect(try await chatError(.fail(408)) == .timeout)
        #expect(try await chatError(.fail(504)) == .timeout)
    }

    @Test func anAnswerThatIsNotJSONIsMalformed() async throws {
        guard case .malformedResponse? = try await chatError(.raw(status: 200, body: "<html>oops</html>")) else {
            Issue.record("expected a malformed response")
            return
        }
        guard case .malformedResponse? = try await chatError(.raw(status: 200, body: #"{"object":"chat.completion"}"#)) else {
            Issue.record("an answer without choices should be malformed")
            return
        }
    }

    @Test func aSlowUpstreamTimesOutAtTheProvidersTimeout() async throws {
        let start = ContinuousClock.now
        // Far slower than the limit, so that even a busy machine shows the call did not wait for it.
        #expect(try await chatError(.slow(.seconds(30), .answer("late")), timeoutSeconds: 1) == .timeout)
        #expect(ContinuousClock.now - start < .seconds(20))
    }

    @Test func aStreamThatFailsBeforeItsFirstChunkThrowsFromTheCallSoTheRouterCanFallBack() async throws {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }
        let provider = F.provider(.openAICompatible, baseURL: fake.url, timeoutSeconds: 5)
        let call = try F.chat(F.hello(["stream": true]), provider: provider)

        fake.script = [.rateLimited(retryAfter: "3")]
        let limited = await F.error { _ = try await adapter.streamChat(call) }
        fake.script = [.slow(.seconds(30), .answer("late"))]
        let slow = await F.error { _ = try await adapter.streamChat(call) }

        #expect(limited as? ProviderError == .rateLimited(retryAfter: .seconds(3), message: "slow down"))
        #expect(slow as? ProviderError == .timeout)
    }

    @Test func aStoppedUpstreamIsUnavailable() async throws {
        let stopped = try BoundSocket()
        defer { stopped.close() }
        let call = try F.chat(F.hello(), provider: F.provider(.openAICompatible, baseURL: stopped.url + "/v1"))

        let error = await F.error { _ = try await adapter.chat(call) }

        guard case .unavailable(nil, _)? = error as? ProviderError else {
            Issue.record("expected unavailable without a status, got \(String(describing: error))")
            return
        }
    }

    @Test func theKeyNeverAppearsInAnErrorEvenWhenTheUpstreamQuotesIt() async throws {
        let fake = try await FakeOpenAI.start()
        defer { Task { await fake.stop() } }
        let call = try F.chat(F.hello(), provider: F.provider(.openAICompatible, baseURL: fake.url))
        let streaming = try F.chat(F.hello(["stream": true]), provider: F.provider(.openAICompatible, baseURL: fake.url))
        fake.script = [
            .fail(401, message: "Incorrect API key provided: \(F.key)"),
            .fail(400, message: "bad request from \(F.key)"),
            .rateLimited(retryAfter: "1"),
            .events([#"data: {"error":{"message":"key \#(F.key) was revoked mid-stream"}}"# + "\n\n"]),
        ]

        var errors: [any Error] = []
        for _ in 0..<3 { if let error = await F.error({ _ = try await adapter.chat(call) }) { errors.append(error) } }
        if let error = await F.error({ _ = try await F.collect(try await adapter.streamChat(streaming)) }) { errors.append(error) }

        #expect(errors.count == 4)
        for error in errors {
            #expect(!"\(error)".contains(F.key))
            #expect(!String(reflecting: error).contains(F.key))
        }
        #expect("\(errors[0])".contains("[redacted]"))
        #expect(fake.requests.allSatisfy { !($0.path + ($0.query ?? "")).contains(F.key) })
    }

    @Test func retryAfterIsReadAsSecondsMillisecondsOrADate() {
        func headers(_ pairs: [(String, String)]) -> HTTPHeaders { HTTPHeaders(pairs) }
        let now = Date(timeIntervalSince1970: 1_700_000_000)

        #expect(RetryAfter.parse(headers([("Retry-After", "12")]), now: now) == .seconds(12))
        #expect(RetryAfter.parse(headers([("retry-after", "1.5")]), now: now) == .milliseconds(1500))
        #expect(RetryAfter.parse(headers([("retry-after-ms", "250"), ("Retry-After", "1")]), now: now) == .milliseconds(250))
        #expect(RetryAfter.parse(headers([("Retry-After", "Tue, 14 Nov 2023 22:13:50 GMT")]), now: now) == .seconds(30))
        #expect(RetryAfter.parse(headers([("Retry-After", "Tue, 14 Nov 2023 22:13:00 GMT")]), now: now) == .zero)
        #expect(RetryAfter.parse(headers([("Retry-After", "soon")]), now: now) == nil)
        #expect(RetryAfter.parse(headers([]), now: now) == nil)
    }

    @Test func aRateLimitWithAnHTTPDateIsReadFromTheAnswer() async throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = formatter.string(from: Date().addingTimeInterval(120))

        guard case .rateLimited(let retryAfter?, _)? = try await chatError(.rateLimited(retryAfter: date)) else {
            Issue.record("expected a rate limit with a delay")
            return
        }
        // The date has whole seconds, and a busy machine takes a while to answer.
        #expect(retryAfter > .seconds(60) && retryAfter <= .seconds(121))
    }

    @Test func errorBodiesOfEveryShapeGiveTheirMessage() {
        func message(_ text: String) -> String? { UpstreamFailure.details(ByteBuffer(string: text)).message }

        #expect(message(#"{"error":{"message":"openai says no","type":"invalid_request_error"}}"#) == "openai says no")
        #expect(message(#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#) == "Overloaded")
        #expect(message(#"{"error":"ollama says no"}"#) == "ollama says no")
        #expect(message(#"{"detail":"vllm says no"}"#) == "vllm says no")
        #expect(message("plain text failure") == "plain text failure")
        #expect(message("") == nil)
    }
}
