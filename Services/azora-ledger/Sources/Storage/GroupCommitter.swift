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
        let outcomes = await outcomes(of: group.map(\.command)[...])
        for (waiting, outcome) in zip(group, outcomes) { waiting.continuation.resume(with: outcome) }
    }

    /// Applies a group's commands in one transaction and returns each one's outcome, in order.
    ///
    /// When PostgreSQL refuses a value one command holds (`UnstorableCommands`), the whole
    /// transaction fails with it, its neighbours included. The group is then split in halves,
    /// each applied on its own, and the half that fails is split again, down to the command at
    /// fault: its neighbours are recorded, in their order, and it alone is refused, with a 422
    /// naming its field. A group with one bad command costs about twice log2(size) transactions
    /// more; a group without one, nothing. Any other failure is every command's.
    func outcomes(of commands: ArraySlice<LedgerCommand>) async -> [Result<CommandOutcome, any Error>] {
        do {
            return try await writer.apply(Array(commands), .independent).map { .success($0) }
        } catch let error as UnstorableCommands where commands.count > 1 {
            Counter(label: "ledger_group_commit_splits_total").increment()
            logger.info("a group of transfers was refused by PostgreSQL; splitting it to find the one at fault",
                        metadata: ["size": "\(commands.count)", "error": "\(error.reason)"])
            let middle = commands.startIndex + commands.count / 2
            return await outcomes(of: commands[..<middle]) + outcomes(of: commands[middle...])
        } catch let error as UnstorableCommands {
            logger.warning("PostgreSQL refused a transfer's data", metadata: ["error": "\(error.reason)"])
            let orders = commands.compactMap { if case .transfer(let order) = $0 { order } else { nil } }
            return [.failure(error.problem(orders, fallback: "body"))]
        } catch {
            logger.warning("a group of transfers failed to commit", metadata: ["size": "\(commands.count)", "error": "\(error)"])
            return commands.map { _ in .failure(error) }
        }
    }
}
