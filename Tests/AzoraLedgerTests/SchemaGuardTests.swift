import Foundation
import Shared
import TestSupport
import Testing

/// What the database itself refuses, whatever code reaches it: rewriting the books, deleting an
/// account, and a transfer or entry that names something that does not exist.
@Suite struct SchemaGuardTests {
    @Test func theDatabaseRefusesRewritesDeletionsAndDanglingReferences() async throws {
        try await LedgerHarness.run { ledger in
            let world = try await ledger.account(type: "equity")
            let wallet = try await ledger.account()
            #expect(try await ledger.transfer(from: world, to: wallet, 100).status == .created)
            let database = ledger.database

            await #expect(throws: PostgresError.self) { try await database.execute("UPDATE transfers SET amount = 1") }
            await #expect(throws: PostgresError.self) { try await database.execute("DELETE FROM entries") }
            await #expect(throws: PostgresError.self) { try await database.execute("DELETE FROM accounts WHERE id = \(wallet)") }

            let missing = UUID()
            let recorded = try #require(try await database.queryFirst("SELECT id FROM transfers LIMIT 1")?.decode("id", as: UUID.self))
            // Either side of a transfer, either reference of an entry.
            for (debit, credit) in [(world, missing), (missing, wallet)] {
                let danglingTransfer = await #expect(throws: PostgresError.self) {
                    try await database.execute("""
                        INSERT INTO transfers (id, kind, debit_account_id, credit_account_id, amount, currency)
                        VALUES (\(UUID()), 'single', \(debit), \(credit), 5, 'USD')
                        """)
                }
                #expect(danglingTransfer?.isForeignKeyViolation == true)
            }
            for (transfer, account) in [(missing, wallet), (recorded, missing)] {
                let danglingEntry = await #expect(throws: PostgresError.self) {
                    try await database.execute("""
                        INSERT INTO entries (transfer_id, account_id, debits_posted, credits_posted, debits_pending,
                                             credits_pending, created_at)
                        VALUES (\(transfer), \(account), 0, 5, 0, 0, now())
                        """)
                }
                #expect(danglingEntry?.isForeignKeyViolation == true)
            }

            #expect(try await ledger.balance(wallet).int("balance") == 100)
            #expect(try await ledger.integrity().json["ok"] as? Bool == true)
        }
    }
}
