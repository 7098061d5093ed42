import Synchronization

/// Pulls a stream's elements in a task of its own while its reader is busy, so that the reader
/// takes at once everything that came in meanwhile.
///
/// Why: an upstream's events arrive in bursts (several in one socket read), and writing each to
/// the client as its own write cost a system call per event, a fifth of a streamed call's CPU.
/// With the parts of a burst taken together, they go out in one write, and an event that
/// arrives alone still goes out at once. At most `limit` elements wait, so a client that reads
/// slowly still slows the reads from the upstream.
///
/// One puller (`pull(from:)`) and one taker (`take()`), each in its own task. A waiting side is
/// resumed after the lock is let go, as `WakeupSignal` does.
final class ReadAhead<Element: Sendable>: Sendable {
    /// What `take()` hands over: the elements that were ready, and whether the source ended
    /// after them (so that the taker can write its own ending with them).
    struct Batch: Sendable {
        var elements: [Element]
        var isLast: Bool
    }

    private enum Progress {
        case open
        case ended
        case failed(any Error)

        var hasEnded: Bool {
            if case .ended = self { true } else { false }
        }
    }

    private struct State {
        var ready: [Element] = []
        var progress = Progress.open
        /// The taker stopped: the puller stops too.
        var closed = false
        var waitingTaker: CheckedContinuation<Void, Never>?
        var waitingPuller: CheckedContinuation<Void, Never>?
    }

    private let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        precondition(limit > 0, "a read-ahead holds at least one element")
        self.limit = limit
    }

    /// Reads `source` to its end (or until the taker closes), handing each element over as it
    /// comes; the source's failure reaches the taker after the elements before it.
    func pull<Upstream: AsyncSequence>(from source: Upstream) async where Upstream.Element == Element {
        do {
            for try await element in source {
                guard await put(element) else { return }
            }
            end(.ended)
        } catch {
            end(.failed(error))
        }
    }

    /// The elements ready now, waiting for one when there are none; empty and last once the
    /// source has ended.
    /// - Throws: the source's failure, once the elements before it have been taken.
    func take() async throws -> Batch {
        while true {
            let (taken, puller) = state.withLock { state -> (Result<Batch, any Error>?, CheckedContinuation<Void, Never>?) in
                switch state.progress {
                case .open where state.ready.isEmpty:
                    return (nil, nil)
                case .failed(let error) where state.ready.isEmpty:
                    return (.failure(error), nil)
                default:
                    let batch = Batch(elements: state.ready, isLast: state.progress.hasEnded)
                    state.ready = []
                    return (.success(batch), state.waitingPuller.take())
                }
            }
            puller?.resume()
            if let taken { return try taken.get() }
            await withCheckedContinuation { continuation in
                state.withLock { state in
                    if case .open = state.progress, state.ready.isEmpty {
                        state.waitingTaker = continuation
                    } else {
                        continuation.resume()
                    }
                }
            }
        }
    }

    /// The taker stops taking: the puller stops at its next element.
    func close() {
        let puller = state.withLock { state in
            state.closed = true
            return state.waitingPuller.take()
        }
        puller?.resume()
    }

    /// Hands an element over; waits while `limit` are waiting already.
    /// - Returns: false once the taker has closed.
    private func put(_ element: Element) async -> Bool {
        let (isFull, taker) = state.withLock { state -> (Bool?, CheckedContinuation<Void, Never>?) in
            guard !state.closed else { return (nil, nil) }
            state.ready.append(element)
            return (state.ready.count >= limit, state.waitingTaker.take())
        }
        taker?.resume()
        guard let isFull else { return false }
        guard isFull else { return true }
        await withCheckedContinuation { continuation in
            state.withLock { state in
                if state.closed || state.ready.count < limit {
                    continuation.resume()
                } else {
                    state.waitingPuller = continuation
                }
            }
        }
        return state.withLock { !$0.closed }
    }

    private func end(_ progress: Progress) {
        let taker = state.withLock { state in
            state.progress = progress
            return state.waitingTaker.take()
        }
        taker?.resume()
    }
}
