import AsyncHTTPClient
import NIOCore
import Shared

/// An upstream's event stream, read as its bytes arrive and translated to `StreamPart`s one
/// event at a time: nothing is buffered here beyond the read in hand (the response's
/// `ReadAhead` holds at most a few parts more), so each chunk reaches the client as soon as the
/// upstream sends it, and a slow client slows the upstream's reads.
///
/// Reads are sequential (the stream's consumer pulls one part at a time), which is why the
/// mutable state needs no lock.
final class UpstreamEventStream<Translator: StreamTranslator>: @unchecked Sendable {
    private var body: HTTPClientResponse.Body.AsyncIterator
    private var parser = ServerSentEventParser()
    private var translator: Translator
    private var events: [ServerSentEvent] = []
    private var eventIndex = 0
    private var parts: [StreamPart] = []
    private var partIndex = 0
    private var bodyEnded = false
    private var finished = false
    private let apiKey: String?

    /// - Parameter body: the answer's body, from a client whose read timeout is the stream's
    ///   idle limit (a stalled upstream ends the stream with `ProviderError.timeout`).
    init(body: HTTPClientResponse.Body, translator: Translator, apiKey: String?) {
        self.body = body.makeAsyncIterator()
        self.translator = translator
        self.apiKey = apiKey
    }

    /// Reads until the first part is ready, so that an upstream that fails before answering
    /// fails the call itself (and the router can still fall back).
    func prime() async throws {
        while partIndex == parts.count, !finished { try await advance() }
    }

    /// The next part, nil after the last.
    /// - Throws: `ProviderError` (or `CancellationError`) when the stream breaks off.
    func next() async throws -> StreamPart? {
        do {
            while partIndex == parts.count {
                if finished { return nil }
                try await advance()
            }
            defer { partIndex += 1 }
            return parts[partIndex]
        } catch {
            finished = true
            parts = []
            partIndex = 0
            throw UpstreamFailure.map(error, apiKey: apiKey)
        }
    }

    /// The rest of the stream, for the router to forward.
    func remainingParts() -> AsyncThrowingStream<StreamPart, any Error> {
        AsyncThrowingStream(unfolding: { try await self.next() })
    }

    /// One step: translate the next event, or read the next bytes, or finish.
    private func advance() async throws {
        if eventIndex < events.count {
            let event = events[eventIndex]
            eventIndex += 1
            parts = try translator.parts(for: event)
            partIndex = 0
            if translator.isComplete {
                await drain()
                parts += try translator.finish()
                finished = true
            }
            return
        }
        if bodyEnded {
            parts = try translator.finish()
            partIndex = 0
            finished = true
            return
        }
        let bytes = try await readBody()
        if let bytes {
            events = parser.feed(bytes.readableBytesView)
        } else {
            bodyEnded = true
            events = parser.finish()
        }
        eventIndex = 0
    }

    private func readBody() async throws -> ByteBuffer? {
        try await body.next()
    }

    /// Reads what follows the end marker (normally just the end of the chunked body), so that the
    /// connection goes back to the pool instead of being closed; gives up after a second.
    private func drain() async {
        guard !bodyEnded else { return }
        _ = try? await withTimeLimit(.seconds(1), orThrow: ProviderError.timeout) {
            while try await self.readBody() != nil {}
            return true
        }
        bodyEnded = true
    }
}
