import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Shared

/// Server-sent events in OpenAI's streaming form: one `data: <chunk JSON>` event per chunk,
/// written as soon as the upstream produces it, then `data: [DONE]`.
enum SSE {
    static let headers: HTTPFields = [
        .contentType: "text/event-stream", .cacheControl: "no-cache",
        // Proxies such as nginx would otherwise hold the events back.
        HTTPField.Name("X-Accel-Buffering")!: "no",
    ]

    /// Relays a dispatched stream. The usage chunk (empty `choices`) is sent at the end when the
    /// client asked for it with `stream_options.include_usage`. A failure after the first chunk
    /// is reported as an `error` event, OpenAI's way, since the status line has gone.
    /// `finished` runs once the stream is over, with the usage known, whatever happened.
    ///
    /// The parts are read ahead of the writes (`ReadAhead`): those that came in while the last
    /// write was going out are written together, the stream's end with them.
    static func relay(
        _ parts: RelayedStream, includeUsage: Bool, deployment: String,
        finished: @escaping @Sendable (TokenUsage) async -> Void
    ) -> Response {
        var headers = headers
        headers[OpenAIRoutes.deploymentHeader] = deployment
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var usage = TokenUsage.zero
            var last: JSONValue?
            let ahead = ReadAhead<StreamPart>(limit: 32)
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await ahead.pull(from: parts) }
                do {
                    var isLast = false
                    while !isLast {
                        let batch = try await ahead.take()
                        isLast = batch.isLast
                        var events = ByteBuffer()
                        for part in batch.elements {
                            switch part {
                            case .chunk(let chunk, let text):
                                last = chunk
                                append(text ?? JSONText.write(chunk), to: &events)
                            case .usage(let reported):
                                usage = reported
                            }
                        }
                        if isLast {
                            if includeUsage { append(JSONText.write(usageChunk(usage, like: last)), to: &events) }
                            append("[DONE]", to: &events)
                        }
                        if events.readableBytes > 0 { try await writer.write(events) }
                    }
                } catch let error as ProviderError {
                    var events = ByteBuffer()
                    append(JSONText.write(["error": ["message": .string("the model stopped answering: \(error)"),
                                                     "type": "api_error", "code": .string(error.kind)]]), to: &events)
                    try? await writer.write(events)
                } catch {
                    // The client went away: nothing more can be written. The upstream read is
                    // cancelled, and once it has stopped, the call is recorded as cancelled.
                    ahead.close()
                    group.cancelAll()
                    await group.waitForAll()
                    await parts.abandon()
                }
            }
            await finished(usage)
            try? await writer.finish(nil)
        })
    }

    /// A cached answer replayed as a stream: the whole message in one chunk, then the finish.
    static func replay(_ completion: JSONValue, includeUsage: Bool) throws -> Response {
        let choice = UpstreamJSON.array(completion["choices"])?.first
        var base: [String: JSONValue] = ["object": "chat.completion.chunk"]
        for key in ["id", "created", "model", "system_fingerprint"] { base[key] = completion[key] }
        var content = base, finish = base
        content["choices"] = [["index": 0, "delta": ["role": "assistant", "content": choice?["message"]?["content"] ?? .null],
                               "finish_reason": .null]]
        finish["choices"] = [["index": 0, "delta": [:], "finish_reason": choice?["finish_reason"] ?? "stop"]]
        var events = ByteBuffer()
        append(JSONText.write(.object(content)), to: &events)
        append(JSONText.write(.object(finish)), to: &events)
        if includeUsage { append(JSONText.write(usageChunk(.zero, like: .object(base))), to: &events) }
        append("[DONE]", to: &events)
        var headers = headers
        headers[OpenAIRoutes.cacheHeader] = "hit"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: events))
    }

    /// The final chunk carrying the usage, with the stream's id, model and creation time.
    private static func usageChunk(_ usage: TokenUsage, like chunk: JSONValue?) -> JSONValue {
        var members: [String: JSONValue] = ["object": "chat.completion.chunk", "choices": []]
        for key in ["id", "created", "model", "system_fingerprint"] { members[key] = chunk?[key] }
        members["usage"] = OpenAIUsage.json(usage)
        return .object(members)
    }

    /// One SSE event: its `data` field (a single line) and the blank line that ends it.
    private static func append(_ data: String, to events: inout ByteBuffer) {
        events.writeStaticString("data: ")
        events.writeString(data)
        events.writeStaticString("\n\n")
    }
}
