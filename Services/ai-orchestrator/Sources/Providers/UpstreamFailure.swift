import Foundation
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Shared

/// Turns what went wrong with an upstream call into the `ProviderError` the router acts on, for
/// every dialect: OpenAI's `{"error": {"message", "type", "code"}}`, Anthropic's
/// `{"type": "error", "error": {"type", "message"}}`, and the plainer shapes of proxies.
///
/// 401, 403 and 404 are `unavailable`, not `rejected`: they mean the provider's key or the
/// deployment's model name is wrong, which is no fault of the client's request; the router
/// should count them against the deployment and fall back rather than tell the client that
/// *its* credentials were refused.
enum UpstreamFailure {
    /// The error an answer with a failure status stands for.
    static func error(status: Int, headers: HTTPHeaders, body: ByteBuffer, apiKey: String?) -> ProviderError {
        let (reported, code) = details(body)
        let message = redact(reported ?? "the upstream answered \(status)", apiKey: apiKey)
        switch status {
        case 429: return .rateLimited(retryAfter: RetryAfter.parse(headers), message: message)
        case 408, 504: return .timeout
        case 413: return .contextOverflow(message: message)
        case 400..<500 where isContextOverflow(code: code, message: message): return .contextOverflow(message: message)
        case 401, 403, 404: return .unavailable(status: status, message: message)
        case 400..<500: return .rejected(status: status, message: message)
        case 500...: return .unavailable(status: status, message: message)
        default: return .malformedResponse(message: "unexpected status \(status)")
        }
    }

    /// The error an `error` object inside a stream stands for (OpenAI's `{"error": {…}}` chunk,
    /// Anthropic's `event: error`), where there is no status to go by.
    static func streamError(_ error: JSONValue?, apiKey: String?) -> ProviderError {
        let message = redact(error?["message"]?.stringValue ?? "the upstream reported an error mid-stream", apiKey: apiKey)
        let code = error?["code"]?.stringValue ?? error?["type"]?.stringValue
        if isContextOverflow(code: code, message: message) { return .contextOverflow(message: message) }
        switch code {
        case "rate_limit_exceeded", "rate_limit_error": return .rateLimited(retryAfter: nil, message: message)
        case "overloaded_error": return .unavailable(status: 529, message: message)
        case "invalid_request_error": return .rejected(status: 400, message: message)
        default: return .unavailable(status: nil, message: message)
        }
    }

    /// Any error thrown while calling an upstream, as the error the adapter throws:
    /// `ProviderError`s (with the key redacted), timeouts, unreachable hosts, oversized answers.
    /// Cancellation stays `CancellationError`: a client that went away is not the upstream's fault.
    static func map(_ error: any Error, apiKey: String?) -> any Error {
        if let error = error as? ProviderError { return redact(error, apiKey: apiKey) }
        if error is CancellationError || Task.isCancelled { return CancellationError() }
        if let error = error as? HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout { return ProviderError.timeout }
            if error == .cancelled { return CancellationError() }
        }
        if error is NIOTooManyBytesError {
            return ProviderError.malformedResponse(message: "the answer is larger than the adapter reads")
        }
        return ProviderError.unavailable(status: nil, message: redact("cannot reach the upstream: \(error)", apiKey: apiKey))
    }

    /// Whether an upstream's words say the prompt does not fit the model's window: OpenAI's and
    /// Azure's `context_length_exceeded`, vLLM's "maximum context length", Anthropic's "prompt is
    /// too long" and "exceed context limit".
    static func isContextOverflow(code: String?, message: String) -> Bool {
        if code == "context_length_exceeded" || code == "request_too_large" { return true }
        let text = message.lowercased()
        return ["maximum context length", "context_length_exceeded", "prompt is too long", "exceed context limit",
                "exceeds the context window", "context window exceeded"].contains { text.contains($0) }
    }

    /// The message and code of an error body, whatever its shape.
    static func details(_ body: ByteBuffer) -> (message: String?, code: String?) {
        guard body.readableBytes > 0, let json = try? UpstreamJSON.parse(body) else {
            let text = String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines)
            return (text.isEmpty ? nil : String(text.prefix(500)), nil)
        }
        let error = json["error"]
        let message = error?["message"]?.stringValue ?? error?.stringValue ?? json["message"]?.stringValue
            ?? json["detail"]?.stringValue
        let code = error?["code"]?.stringValue ?? error?["type"]?.stringValue
        return (message.map { String($0.prefix(500)) }, code)
    }

    /// The text with every occurrence of the key replaced: upstreams sometimes quote the key they
    /// refused, and the key must never reach a log or a client.
    static func redact(_ text: String, apiKey: String?) -> String {
        guard let apiKey, apiKey.count >= 4, text.contains(apiKey) else { return text }
        return text.replacingOccurrences(of: apiKey, with: "[redacted]")
    }

    static func redact(_ error: ProviderError, apiKey: String?) -> ProviderError {
        switch error {
        case .rateLimited(let retryAfter, let message): .rateLimited(retryAfter: retryAfter, message: redact(message, apiKey: apiKey))
        case .timeout: .timeout
        case .contextOverflow(let message): .contextOverflow(message: redact(message, apiKey: apiKey))
        case .unavailable(let status, let message): .unavailable(status: status, message: redact(message, apiKey: apiKey))
        case .rejected(let status, let message): .rejected(status: status, message: redact(message, apiKey: apiKey))
        case .malformedResponse(let message): .malformedResponse(message: redact(message, apiKey: apiKey))
        }
    }
}
