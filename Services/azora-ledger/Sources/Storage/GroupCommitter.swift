import DequeModule
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Shared
import Synchronization

/// Group commit for single transfers: requests that arrive while a transaction is in flight
/// wait in a queue and go into the next transaction together, each with its own outcome.
/// Under load, sixty-four concurrent clients share a handful of commits instead of paying for
/// sixty-four, which is how the ledger keeps pace with PostgreSQL's own TPC-B numbers.
///
/// A few workers run transactions side by side, so one group's round trips overlap the next.
final class GroupCommitter: Service, Sendable {
    private struct Waiting: Sendable {
        let command: LedgerCommand
        let continuation: CheckedContinuation<CommandOutcome, any Error>
    }

    private let writer: PostingWriter
    private let maxGroupSize: Int
    private let queue = Mutex(Deque<Waiting>())
    private let wakeups: [WakeupSignal]
    private let logger: Logger
    private let stopping = Atomic(false)

    init(writer: PostingWriter, workers: Int, maxGroupSize: Int, logger: Logger) {
        self.writer = writer
        self.maxGroupSize = maxGroupSize
        self.logger = logger
        wakeups = (0..<max(1, workers)).map { _ in WakeupSignal() }
    }

    /// Applies one command in the next group and returns its outcome.
    func submit(_ command: LedgerCommand) async throws -> CommandOutcome {
        try await withCheckedThrowingContinuation { continuation in
            queue.withLock { $0.append(Waiting(command: command, continuation: continuation)) }
            for wakeup in wakeups { wakeup.signal() }
        }
    }

    /// Runs the workers until graceful shutdown, then finishes what is queued.
    func run() async throws {
        await withDiscardingTaskGroup { group in
            for wakeup in wakeups {
                group.addTask { await self.work(wakeup) }
            }
        }
    }

    private func work(_ wakeup: WakeupSignal) async {
        await withGracefulShutdownHandler {
            while true {
                let group = queue.withLock { queue -> [Waiting] in
                    let count = min(queue.count, maxGroupSize)
                    defer { queue.removeFirst(count) }
                    return Array(queue.prefix(count))
                }
                if group.isEmpty {
                    if stopping.load(ordering: .relaxed) || Task.isCancelled { return }
                    await wakeup.wait(upTo: .milliseconds(250))
                    continue
                }
                await commit(group)
            }
        } onGracefulShutdown: {
            self.stopping.store(true, ordering: .relaxed)
            wakeup.signal()
        }
    }

    private func commit(_ group: [Waiting]) async {
        // How many transfers share a commit: the number that says whether group commit works.
        Counter(label: "ledger_group_commits_total").increment()
        Counter(label: "ledger_group_commit_transfers_total").increment(by: group.count)
        do {
            let outcomes = try await writer.apply(group.map(\.command), .independent)
            for (waiting, outcome) in zip(group, outcomes) { waiting.continuation.resume(returning: outcome) }
        } catch {
            logger.warning("a group of transfers failed to commit", metadata: ["size": "\(group.count)", "error": "\(error)"])
            for waiting in group { waiting.continuation.resume(throwing: error) }
        }
    }
}
