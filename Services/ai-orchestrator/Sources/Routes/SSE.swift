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
    static func relay(
        _ parts: RelayedStream, includeUsage: Bool, deployment: String,
        finished: @escaping @Sendable (TokenUsage) async -> Void
    ) -> Response {
        var headers = headers
        headers[OpenAIRoutes.deploymentHeader] = deployment
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var usage = TokenUsage.zero
            var last: JSONValue?
            do {
                for try await part in parts {
                    switch part {
                    case .chunk(let chunk, let text):
                        last = chunk
                        try await writer.write(event(text ?? JSONText.write(chunk)))
                    case .usage(let reported):
                        usage = reported
                    }
                }
                if includeUsage { try await writer.write(event(JSONText.write(usageChunk(usage, like: last)))) }
                try await writer.write(event("[DONE]"))
            } catch let error as ProviderError {
                try? await writer.write(event(JSONText.write(["error": ["message": .string("the model stopped answering: \(error)"),
                                                                        "type": "api_error", "code": .string(error.kind)]])))
            } catch {
                // The client went away: nothing more can be written.
                await parts.abandon()
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
        var events = [event(JSONText.write(.object(content))), event(JSONText.write(.object(finish)))]
        if includeUsage { events.append(event(JSONText.write(usageChunk(.zero, like: .object(base))))) }
        events.append(event("[DONE]"))
        var headers = headers
        headers[OpenAIRoutes.cacheHeader] = "hit"
        return Response(status: .ok, headers: headers, body: .init(contentsOf: events))
    }

    /// The final chunk carrying the usage, with the stream's id, model and creation time.
    private static func usageChunk(_ usage: TokenUsage, like chunk: JSONValue?) -> JSONValue {
        var members: [String: JSONValue] = ["object": "chat.completion.chunk", "choices": []]
        for key in ["id", "created", "model", "system_fingerprint"] { members[key] = chunk?[key] }
        members["usage"] = OpenAIUsage.json(usage)
        return .object(members)
    }

    private static func event(_ data: String) -> ByteBuffer {
        ByteBuffer(string: "data: \(data)\n\n")
    }
}
