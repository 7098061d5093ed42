import AsyncHTTPClient
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore

/// A request body the proxy streams to an upstream and takes back before it is done with the
/// request.
///
/// AsyncHTTPClient reads a streamed request body in a task of its own, which can still be waiting
/// for the client's next bytes when the upstream has already answered: an upstream may refuse a
/// request from its head alone (401, 403, 413), or fail. Once the proxy's handler returns,
/// Hummingbird reads what is left of the body from the same connection, and a second reader
/// waiting beside the first is a crash in NIO ("we only allow a single Iterator"), which took the
/// whole gateway down. So the proxy calls `reclaim()` before it returns: it waits for a read in
/// progress, ends the upstream client's view of the body, and reads the rest itself.
final class ReclaimableRequestBody: @unchecked Sendable {
    // Every stored property is guarded by `lock`; `reading` makes sure only one task at a time
    // has the iterator out.
    private let lock = NIOLock()
    private var iterator: RequestBody.AsyncIterator
    private var reading = false
    private var finished = false
    private var reclaimed = false
    private var readEnded: CheckedContinuation<Void, Never>?

    init(_ body: RequestBody) {
        iterator = body.makeAsyncIterator()
    }

    /// The body as AsyncHTTPClient streams it upstream.
    func upstreamBody(length: HTTPClientRequest.Body.Length) -> HTTPClientRequest.Body {
        .stream(UpstreamView(body: self), length: length)
    }

    /// Waits for a read in progress to end, stops all further reads by the upstream client, and
    /// reads the rest of the body so that the connection is ready for its next request.
    func reclaim() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = lock.withLock {
                reclaimed = true
                guard reading else { return true }
                readEnded = continuation
                return false
            }
            if idle { continuation.resume() }
        }
        guard var rest = lock.withLock({ finished ? nil : iterator }) else { return }
        // A client that breaks off its body breaks off the connection too; Hummingbird sees that
        // on its own read, so the error needs no answer here.
        while let chunk = try? await rest.next(), chunk != nil {}
    }

    /// The next chunk for the upstream client, or `nil` at the end or once reclaimed.
    fileprivate func next() async throws -> ByteBuffer? {
        guard var current = lock.withLock({ () -> RequestBody.AsyncIterator? in
            guard !reclaimed, !finished else { return nil }
            reading = true
            return iterator
        }) else { return nil }
        let chunk: ByteBuffer?
        do {
            chunk = try await current.next()
        } catch {
            endRead(iterator: current, finished: true)
            throw error
        }
        endRead(iterator: current, finished: chunk == nil)
        return chunk
    }

    private func endRead(iterator current: RequestBody.AsyncIterator, finished atEnd: Bool) {
        let waiter = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            iterator = current
            finished = finished || atEnd
            reading = false
            defer { readEnded = nil }
            return readEnded
        }
        waiter?.resume()
    }

    private struct UpstreamView: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let body: ReclaimableRequestBody

        struct AsyncIterator: AsyncIteratorProtocol {
            let body: ReclaimableRequestBody
            func next() async throws -> ByteBuffer? { try await body.next() }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: body) }
    }
}
