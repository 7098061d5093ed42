import Testing

@testable import AIOrchestrator

/// A relayed stream's read-ahead: what came in together is taken together, in order, with the
/// end; no more than its limit waits; a failure comes after the parts before it; a reader that
/// stops stops the pulling.
@Suite struct ReadAheadTests {
    struct Broken: Error, Equatable {}

    @Test func whatCameInTogetherIsTakenTogetherWithTheEnd() async throws {
        let ahead = ReadAhead<Int>(limit: 8)

        await ahead.pull(from: [1, 2, 3].async)
        let batch = try await ahead.take()

        #expect(batch.elements == [1, 2, 3])
        #expect(batch.isLast)
    }

    @Test func noMoreThanTheLimitWaitsAndNothingIsLostOrReordered() async throws {
        let ahead = ReadAhead<Int>(limit: 2)
        let puller = Task { await ahead.pull(from: Array(1...9).async) }

        var taken: [Int] = []
        var isLast = false
        while !isLast {
            let batch = try await ahead.take()
            #expect(batch.elements.count <= 2)
            taken += batch.elements
            isLast = batch.isLast
        }
        await puller.value

        #expect(taken == Array(1...9))
    }

    @Test func aFailureComesAfterThePartsBeforeIt() async throws {
        let ahead = ReadAhead<Int>(limit: 8)
        let source = AsyncThrowingStream<Int, any Error> { continuation in
            continuation.yield(1)
            continuation.yield(2)
            continuation.finish(throwing: Broken())
        }

        await ahead.pull(from: source)

        let batch = try await ahead.take()
        #expect(batch.elements == [1, 2])
        #expect(!batch.isLast)
        await #expect(throws: Broken.self) { try await ahead.take() }
    }

    @Test func aReaderThatStopsStopsThePullingAtItsLimit() async throws {
        let ahead = ReadAhead<Int>(limit: 1)
        // A source that never ends: only the reader's close can end the pulling.
        let (source, continuation) = AsyncStream<Int>.makeStream()
        for element in 1...5 { continuation.yield(element) }
        let puller = Task { await ahead.pull(from: source) }

        let first = try await ahead.take()
        ahead.close()
        await puller.value

        #expect(!first.elements.isEmpty && first.elements.count <= 1)
        continuation.finish()
    }
}

extension Array where Element: Sendable {
    /// The elements as an asynchronous sequence that ends after the last.
    var async: AsyncStream<Element> {
        AsyncStream { continuation in
            for element in self { continuation.yield(element) }
            continuation.finish()
        }
    }
}
