import Foundation
import Logging
import Shared
import Synchronization

/// The local provider: answers in-process with `LocalModel`, never calls anything, and says it
/// is local in every answer (`[local model …]`, `system_fingerprint: "azora-local"`) and in the
/// log (once per deployment at notice level, then at debug level).
struct LocalProvider: ModelProvider {
    static let fingerprint = "azora-local"

    /// The pause between streamed words.
    let chunkDelay: Duration
    let logger: Logger
    private let announced = Announcements()

    init(chunkDelay: Duration = .zero, logger: Logger) {
        self.chunkDelay = chunkDelay
        self.logger = logger
    }

    func chat(_ call: ChatCall) async throws -> ChatOutcome {
        announce(call.deployment)
        let (text, truncated) = LocalModel.reply(to: call.request, model: call.deployment.model)
        let usage = LocalModel.usage(call.request, reply: text)
        let response: JSONValue = [
            "id": .string(Self.completionId()),
            "object": "chat.completion",
            "created": UpstreamJSON.now(),
            "model": .string(call.deployment.model),
            "system_fingerprint": .string(Self.fingerprint),
            "choices": [["index": 0, "message": ["role": "assistant", "content": .string(text)], "logprobs": .null,
                         "finish_reason": truncated ? "length" : "stop"]],
            "usage": OpenAIUsage.json(usage),
        ]
        return ChatOutcome(response: response, usage: usage)
    }

    func streamChat(_ call: ChatCall) async throws -> AsyncThrowingStream<StreamPart, any Error> {
        announce(call.deployment)
        let (text, truncated) = LocalModel.reply(to: call.request, model: call.deployment.model)
        let id = JSONValue.string(Self.completionId())
        let created = UpstreamJSON.now()
        func chunk(_ delta: JSONValue, finishReason: JSONValue = .null) -> StreamPart {
            .chunk(["id": id, "object": "chat.completion.chunk", "created": created, "model": .string(call.deployment.model),
                    "system_fingerprint": .string(Self.fingerprint),
                    "choices": [["index": 0, "delta": delta, "logprobs": .null, "finish_reason": finishReason]]])
        }
        let parts = [chunk(["role": "assistant", "content": ""])]
            + LocalModel.pieces(of: text).map { chunk(["content": .string($0)]) }
            + [chunk([:], finishReason: truncated ? "length" : "stop"),
               .usage(LocalModel.usage(call.request, reply: text))]
        let cursor = Cursor(parts: parts, delay: chunkDelay)
        return AsyncThrowingStream(unfolding: { try await cursor.next() })
    }

    func embed(_ call: EmbeddingCall) async throws -> EmbeddingOutcome {
        announce(call.deployment)
        let dimensions = UpstreamJSON.int(call.request.body["dimensions"]) ?? LocalModel.defaultDimensions
        guard (1...4096).contains(dimensions) else {
            throw ProviderError.rejected(status: 422, message: "dimensions: must be from 1 to 4096")
        }
        let base64 = call.request.body["encoding_format"] == "base64"
        let data: [JSONValue] = LocalModel.inputs(call.request.body["input"]).enumerated().map { index, text in
            let vector = LocalModel.embedding(of: text, dimensions: dimensions)
            return ["object": "embedding", "index": .number(Double(index)),
                    "embedding": base64 ? .string(LocalModel.base64(vector)) : .array(vector.map { .number($0) })]
        }
        let usage = TokenUsage(promptTokens: call.request.estimatedTokens, completionTokens: 0)
        let response: JSONValue = ["object": "list", "data": .array(data), "model": .string(call.deployment.model),
                                   "usage": ["prompt_tokens": .number(Double(usage.promptTokens)),
                                             "total_tokens": .number(Double(usage.promptTokens))]]
        return EmbeddingOutcome(response: response, usage: usage)
    }

    /// Always answers: there is nothing to reach.
    func probe(_ deployment: Deployment, provider: ProviderConfig, apiKey: String?) async throws {}

    private static func completionId() -> String { "chatcmpl-local-\(UUIDv7.make().lowercasedText)" }

    private func announce(_ deployment: Deployment) {
        if announced.first(deployment.name) {
            logger.notice("deployment answered by the local model, not a real one", metadata: ["deployment": "\(deployment.name)"])
        } else {
            logger.debug("answered by the local model", metadata: ["deployment": "\(deployment.name)"])
        }
    }

    /// The deployments already announced in the log.
    private final class Announcements: Sendable {
        private let names = Mutex<Set<String>>([])
        func first(_ name: String) -> Bool { names.withLock { $0.insert(name).inserted } }
    }

    /// Hands out prepared parts one at a time, pausing before each after the first. Pulled by one
    /// consumer at a time, so the index needs no lock.
    private final class Cursor: @unchecked Sendable {
        private let parts: [StreamPart]
        private let delay: Duration
        private var index = 0

        init(parts: [StreamPart], delay: Duration) {
            self.parts = parts
            self.delay = delay
        }

        func next() async throws -> StreamPart? {
            guard index < parts.count else { return nil }
            if index > 0, delay > .zero { try await Task.sleep(for: delay) }
            defer { index += 1 }
            return parts[index]
        }
    }
}
