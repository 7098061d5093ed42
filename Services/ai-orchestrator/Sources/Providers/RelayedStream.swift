import Foundation

/// A deployment's stream as the client reads it: the first part (already read, which decided
/// that this deployment answers), then each further part pulled from the upstream when it is
/// asked for; once the stream ends, however it ends, `finished` is told the outcome and the
/// usage, exactly once.
///
/// One reader only: the response's read-ahead iterates it from one task (hence the unchecked box).
struct RelayedStream: AsyncSequence, Sendable {
    typealias Element = StreamPart

    /// How the stream ended: `ok`, `cancelled` (the reader stopped), or a `ProviderError.kind`.
    typealias Finished = @Sendable (_ outcome: String, _ usage: TokenUsage) async -> Void

    final class State: @unchecked Sendable {
        var pending: StreamPart?
        var upstream: AsyncThrowingStream<StreamPart, any Error>.AsyncIterator
        var usage = TokenUsage.zero
        var finished: Finished?

        init(first: StreamPart, upstream: AsyncThrowingStream<StreamPart, any Error>.AsyncIterator, finished: @escaping Finished) {
            pending = first
            self.upstream = upstream
            self.finished = finished
        }

        func finish(_ outcome: String) async {
            guard let finished else { return }
            self.finished = nil
            await finished(outcome, usage)
        }
    }

    let state: State

    struct AsyncIterator: AsyncIteratorProtocol {
        let state: State

        mutating func next() async throws -> StreamPart? {
            let part: StreamPart?
            if let pending = state.pending {
                state.pending = nil
                part = pending
            } else {
                guard state.finished != nil else { return nil }
                do {
                    part = try await state.upstream.next()
                } catch is CancellationError {
                    await state.finish("cancelled")
                    throw CancellationError()
                } catch {
                    await state.finish((error as? ProviderError)?.kind ?? "unavailable")
                    throw error
                }
            }
            guard let part else {
                await state.finish("ok")
                return nil
            }
            if case .usage(let usage) = part { state.usage = usage }
            return part
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(state: state) }

    /// The reader stopped early (the client went away): records the call as cancelled. Dropping
    /// the stream afterwards cancels the upstream request.
    func abandon() async {
        await state.finish("cancelled")
    }
}
