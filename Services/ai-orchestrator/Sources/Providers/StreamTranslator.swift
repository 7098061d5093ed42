/// Turns one dialect's server-sent events into OpenAI chunks and the usage.
protocol StreamTranslator: Sendable {
    /// The parts one event stands for: none for pings and bookkeeping events.
    /// - Throws: `ProviderError` for an error the upstream reports mid-stream.
    mutating func parts(for event: ServerSentEvent) throws -> [StreamPart]

    /// Whether the upstream said the answer is complete (`[DONE]`, `message_stop`): nothing
    /// after it is read.
    var isComplete: Bool { get }

    /// The parts after the last event: the usage, reported or estimated.
    /// - Throws: `ProviderError.unavailable` when the stream ended before the answer did.
    mutating func finish() throws -> [StreamPart]
}
