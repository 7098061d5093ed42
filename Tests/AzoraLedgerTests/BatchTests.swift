import Foundation
import HTTPTypes
import TestSupport
import Shared
import Testing

@testable import AzoraLedger

@Suite struct BatchTests {
    @Test func aBatchIsRecordedWholeOrNotAtAllWithEachRefusalNamed() async throws {
        try await LedgerHarness.run { ledger in
            let world = try await ledger.account(type: "equity")
            let wallet = try await ledger.account(flags: ["debitsMustNotExceedCredits"])
            let other = try await ledger.account()
            let good = (0..<50).map { _ in LedgerHarness.order(from: world, to: wallet, 10) }
            // The last item spends more than the batch itself credited: the whole batch is refused.
            let refused = try await ledger.send(.post, "/ledger/transfers/batch", json: [
                "transfers": good + [LedgerHarness.order(from: wallet, to: other, 501)],
            ], as: ledger.service)
            #expect(refused.status == .conflict && refused.code == "batch_refused")
            let items = refused.json["refused"] as? [[String: Any]] ?? []
            #expect(items.count == 1 && items.first?["index"] as? Int == 50 && items.first?["code"] as? String == "exceeds_credits")
            #expect(try await ledger.balance(wallet).int("creditsPosted") == 0)

            // Within a batch, later transfers see the earlier ones.
            let batch = good + [LedgerHarness.order(from: wallet, to: other, 500)]
            let recorded = try await ledger.send(.post, "/ledger/transfers/batch", json: ["transfers": batch], as: ledger.service)
            #expect(recorded.status == .created && recorded.int("recorded") == 51)
            #expect(try await ledger.balance(wallet).int("balance") == 0)
            let replayed = try await ledger.send(.post, "/ledger/transfers/batch", json: ["transfers": batch], as: ledger.service)
            #expect(replayed.status == .ok && replayed.int("repeated") == 51 && replayed.int("recorded") == 0)

            let malformed = try await ledger.send(.post, "/ledger/transfers/batch", json: ["transfers": [
                LedgerHarness.order(from: world, to: other, 1), LedgerHarness.order(from: world, to: world, 0),
            ]], as: ledger.service)
            #expect(malformed.status == .unprocessableContent && Set(malformed.fields) == ["transfers[1].amount", "transfers[1].creditAccountId"])
            #expect(try await ledger.send(.post, "/ledger/transfers/batch", json: ["transfers": []], as: ledger.service).fields == ["transfers"])
            #expect(try await ledger.integrity().json["ok"] as? Bool == true)
        }
    }

    /// The server dies between writing a batch's rows and committing: nothing of it remains, and
    /// the client's retry records all of it.
    @Test func aBatchCutOffBeforeItsCommitLeavesNothingBehind() async throws {
        try await LedgerHarness.run { ledger in
            let world = try await ledger.account(type: "equity")
            let wallet = try await ledger.account()
            let batch = (0..<200).map { _ in LedgerHarness.order(from: world, to: wallet, 3) }
            let blocker = Database(settings: ledger.database.settings, logger: TestLogger.make("blocker"))
            defer { Task { await blocker.close() } }
            // The batch is written by one statement. A trigger at its very end, after its
            // transfers, entries, balances and events are written, reads a table the blocker
            // holds: the batch stops there, and its connection is ended as a crash would.
            try await ledger.database.execute("CREATE TABLE crash_gate (x integer)")
            try await ledger.database.execute("""
                CREATE FUNCTION wait_at_crash_gate() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN PERFORM 1 FROM crash_gate; RETURN NULL; END $$
                """)
            try await ledger.database.execute("""
                CREATE TRIGGER outbox_crash_gate AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION wait_at_crash_gate()
                """)
            let cutOff = Task {
                try await blocker.transaction { transaction in
                    try await transaction.execute("LOCK TABLE crash_gate IN ACCESS EXCLUSIVE MODE")
                    // Another connection watches: pg_stat_activity stays frozen within a transaction.
                    try await eventually {
                        try await blocker.queryFirst("""
                            SELECT count(*) AS n FROM pg_stat_activity
                            WHERE wait_event_type = 'Lock' AND query LIKE 'WITH recorded AS%'
                            """)?.decode("n", as: Int.self) ?? 0 > 0
                    }
                    try await blocker.execute("""
                        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                        WHERE wait_event_type = 'Lock' AND query LIKE 'WITH recorded AS%'
                        """)
                }
            }
            let interrupted = try await ledger.send(.post, "/ledger/transfers/batch", json: ["transfers": batch], as: ledger.service)
            try await cutOff.value
            #expect(interrupted.status.code >= 500)
            #expect(try await ledger.balance(wallet).int("balance") == 0)
            let count = try await ledger.database.queryFirst("SELECT count(*) AS n FROM transfers")
            #expect(try count?.decode("n", as: Int.self) == 0)

            let retried = try await ledger.send(.post, "/ledger/transfers/batch", json: ["transfers": batch], as: ledger.service)
            #expect(retried.status == .created && retried.int("recorded") == 200)
            #expect(try await ledger.balance(wallet).int("balance") == 600)
            #expect(try await ledger.integrity().json["ok"] as? Bool == true)
        }
    }
}
