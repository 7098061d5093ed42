import DequeModule
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Shared
import Synchronization

/// Writes rows that a request produces (a call's metrics, a classification) in batches, off the
/// request's path: `append` only queues; `run` writes every `interval`, or sooner once
/// `batchSize` rows wait.
///
/// Nothing accepted is dropped while the database answers: a failed batch stays queued and is
/// retried. On graceful shutdown `run` writes what is queued before it returns (the HTTP server
/// stops first, so no new rows arrive). What it cannot keep: rows queued when the process is
/// killed outright, and, while the database is down, the oldest rows beyond `maxQueued`
/// (counted in `ai_batch_rows_dropped_total`).
final class BatchWriter<Row: Sendable>: Sendable {
    private let name: String
    private let write: @Sendable ([Row]) async throws -> Void
    private let queue = Mutex(Deque<Row>())
    private let wakeup = WakeupSignal()
    private let interval: Duration
    private let batchSize: Int
    private let maxQueued: Int
    private let logger: Logger

    /// - Parameters:
    ///   - name: for logs and metrics (`routing_metrics`).
    ///   - write: inserts one batch.
    init(name: String, interval: Duration = .seconds(1), batchSize: Int = 500, maxQueued: Int = 100_000, logger: Logger,
         write: @escaping @Sendable ([Row]) async throws -> Void) {
        self.name = name
        self.write = write
        self.interval = interval
        self.batchSize = batchSize
        self.maxQueued = maxQueued
        self.logger = logger
    }

    /// Queues a row; never waits for the database.
    func append(_ row: Row) {
        let (count, dropped) = queue.withLock { queue -> (Int, Int) in
            queue.append(row)
            let excess = max(0, queue.count - maxQueued)
            queue.removeFirst(excess)
            return (queue.count, excess)
        }
        if dropped > 0 { Counter(label: "ai_batch_rows_dropped_total", dimensions: [("table", name)]).increment(by: dropped) }
        if count >= batchSize { wakeup.signal() }
    }

    /// How many rows wait.
    var queued: Int { queue.withLock { $0.count } }

    /// Writes everything queued now, batch by batch.
    /// - Throws: the first failed batch's error; that batch and the rest stay queued.
    func flush() async throws {
        while true {
            // Taken out while it is written, so that two flushes never write the same rows.
            let batch = queue.withLock { queue -> [Row] in
                let batch = Array(queue.prefix(batchSize))
                queue.removeFirst(batch.count)
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                try await write(batch)
            } catch {
                let dropped = queue.withLock { queue -> Int in
                    queue.insert(contentsOf: batch, at: 0)
                    let excess = max(0, queue.count - maxQueued)
                    queue.removeFirst(excess)
                    return excess
                }
                if dropped > 0 { Counter(label: "ai_batch_rows_dropped_total", dimensions: [("table", name)]).increment(by: dropped) }
                throw error
            }
        }
    }

    /// Writes every `interval` until graceful shutdown, then writes what is left.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.wakeup.wait(upTo: self.interval)
                guard !Task.isCancelled else { return }
                await self.flushLogging()
            }
        }
        await flushLogging()
    }

    private func flushLogging() async {
        do {
            try await flush()
        } catch {
            logger.warning("writing queued rows failed; they stay queued", metadata: ["table": "\(name)", "queued": "\(queued)", "error": "\(error)"])
        }
    }
}
