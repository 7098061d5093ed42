import Foundation
import Shared

extension AccountType: PostgresTextDecodable {}
extension TransferKind: PostgresTextDecodable {}

extension Account {
    /// The columns `init(row:)` reads.
    static let columns: SQL = """
        id, currency, type, owner_ref, code, metadata, debits_must_not_exceed_credits, credits_must_not_exceed_debits,
        closed, debits_posted, credits_posted, debits_pending, credits_pending, created_at
        """

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        currency = try row.decode("currency")
        type = try row.decode("type")
        ownerRef = try row.decode("owner_ref")
        code = try row.decode("code")
        metadata = try row.decode("metadata")
        flags = AccountFlags(debitsMustNotExceedCredits: try row.decode("debits_must_not_exceed_credits"),
                             creditsMustNotExceedDebits: try row.decode("credits_must_not_exceed_debits"))
        closed = try row.decode("closed")
        totals = Totals(debitsPosted: try row.decode("debits_posted"), creditsPosted: try row.decode("credits_posted"),
                        debitsPending: try row.decode("debits_pending"), creditsPending: try row.decode("credits_pending"))
        createdAt = try row.decode("created_at")
    }
}

extension Transfer {
    /// The columns `init(row:)` reads.
    static let columns: SQL = """
        id, kind, debit_account_id, credit_account_id, amount, currency, code, metadata, pending_id, reversal_of,
        timeout_seconds, timeout_at, created_at
        """

    init(row: PostgresRow) throws {
        self.init(
            id: try row.decode("id"), kind: try row.decode("kind"), debitAccountId: try row.decode("debit_account_id"),
            creditAccountId: try row.decode("credit_account_id"), amount: try row.decode("amount"),
            currency: try row.decode("currency"), code: try row.decode("code"), metadata: try row.decode("metadata"),
            pendingId: try row.decode("pending_id"), reversalOf: try row.decode("reversal_of"),
            timeoutSeconds: try row.decode("timeout_seconds"), timeoutAt: try row.decode("timeout_at"),
            createdAt: try row.decode("created_at"))
    }
}
