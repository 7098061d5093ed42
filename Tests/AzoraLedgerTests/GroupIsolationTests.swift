import Foundation
import Shared
import TestSupport
import Testing

@testable import AzoraLedger

/// A transfer PostgreSQL refuses to store fails alone: its neighbours in the same group commit
/// are recorded and answered 201, and it is answered 422 naming its field.
@Suite struct GroupIsolationTests {
    /// Drives the group committer directly with one group of 70 transfers, the 38th holding a NUL
    /// in its metadata: PostgreSQL refuses it (22P05) inside the group's one statement. The
    /// request decoder refuses NUL before it gets this far, which is why the order is made here.
    @Test func aTransferPostgreSQLRefusesFailsAloneAndItsNeighboursAreRecorded() async throws {
        try await LedgerHarness.run { ledger in
            let world = try await ledger.account(type: "equity")
            let wallet = try await ledger.account()
            try await withTestRedis { redis in
                let relay = OutboxRelay(database: ledger.database, redis: redis, logger: TestLogger.make("relay"))
                let writer = PostingWriter(database: ledger.database, outbox: Outbox(source: "azora-ledger", relay: relay, clock: FleetClock()), clock: FleetClock())
                let committer = GroupCommitter(writer: writer, workers: 1, maxGroupSize: 1000, logger: TestLogger.make("committer"))
                var orders = (0..<70).map { index in
                    TransferOrder(id: UUID(), debitAccountId: world, creditAccountId: wallet, amount: 10, currency: "USD",
                                  metadata: ["line": .number(Double(index))])
                }
                let culprit = 37
                orders[culprit] = TransferOrder(id: UUID(), debitAccountId: world, creditAccountId: wallet, amount: 10, currency: "USD",
                                                metadata: ["note": .string("a\u{0}b"), "lines": .array([.string("ok")])])

                let outcomes = await committer.outcomes(of: orders.map { .transfer($0) }[...])

                #expect(outcomes.count == 70)
                for (index, outcome) in outcomes.enumerated() where index != culprit {
                    #expect(try TransferRoutes.answer(outcome.get()).status == .created, "transfer \(index)")
                }
                guard case .failure(let error as any ProblemError) = outcomes[culprit] else {
                    Issue.record("the culprit was not refused with a problem: \(outcomes[culprit])")
                    return
                }
                #expect(error.status == .unprocessableContent && error.code == "validation_failed")
                #expect(error.fieldErrors.map(\.field) == ["metadata.note"])
                #expect(try await ledger.balance(wallet).int("balance") == 690)
                let stored: [UUID] = try await ledger.database.query("SELECT id FROM transfers").map { try $0.decode("id") }
                #expect(Set(stored) == Set(orders.enumerated().filter { $0.offset != culprit }.map(\.element.id)))
                #expect(try await ledger.integrity().json["ok"] as? Bool == true)
            }
        }
    }

    /// A batch is all or nothing: one item PostgreSQL refuses refuses the batch, as a 422 naming
    /// the item's field, not a 500.
    @Test func aBatchWithAnItemPostgreSQLRefusesIsRefusedNamingIt() async throws {
        try await LedgerHarness.run { ledger in
            let world = try await ledger.account(type: "equity")
            let wallet = try await ledger.account()
            try await withTestRedis { redis in
                let relay = OutboxRelay(database: ledger.database, redis: redis, logger: TestLogger.make("relay"))
                let writer = PostingWriter(database: ledger.database, outbox: Outbox(source: "azora-ledger", relay: relay, clock: FleetClock()), clock: FleetClock())
                let orders = (0..<3).map { index in
                    TransferOrder(id: UUID(), debitAccountId: world, creditAccountId: wallet, amount: 10, currency: "USD",
                                  metadata: index == 1 ? ["a\u{0}": .string("key")] : [:])
                }
                do {
                    _ = try await writer.apply(orders.map { .transfer($0) }, .allOrNothing)
                    Issue.record("the batch was recorded")
                } catch let error as UnstorableCommands {
                    let problem = error.problem(orders, prefix: { "transfers[\($0)]." }, fallback: "transfers")
                    #expect(problem.status == .unprocessableContent && problem.fieldErrors.map(\.field) == ["transfers[1].metadata"])
                }
                #expect(try await ledger.balance(wallet).int("balance") == 0)
            }
        }
    }
}
