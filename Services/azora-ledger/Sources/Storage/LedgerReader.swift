import Foundation
import Shared

/// Reads transfers, entries and balances, now or as of a past time.
struct LedgerReader: Sendable {
    let database: Database

    func transfer(_ id: UUID) async throws -> Transfer {
        guard let row = try await database.queryFirst("SELECT \(Transfer.columns) FROM transfers WHERE id = \(id)") else {
            throw Problem.notFound("transfer", id: id)
        }
        return try Transfer(row: row)
    }

    /// The transfer that resolved a pending transfer, if any.
    func resolution(of pendingId: UUID) async throws -> Transfer? {
        try await database.queryFirst("SELECT \(Transfer.columns) FROM transfers WHERE pending_id = \(pendingId)")
            .map(Transfer.init(row:))
    }

    /// An account's totals from its entries up to and including `asOf`. Each sum is what one of
    /// the account's totals was at that time, so it fits the `bigint` the total is kept in.
    func totals(of accountId: UUID, asOf: Date) async throws -> Totals {
        let row = try await database.queryFirst("""
            SELECT coalesce(sum(debits_posted), 0)::bigint AS dp, coalesce(sum(credits_posted), 0)::bigint AS cp,
                   coalesce(sum(debits_pending), 0)::bigint AS dq, coalesce(sum(credits_pending), 0)::bigint AS cq
            FROM entries WHERE account_id = \(accountId) AND created_at <= \(asOf)
            """)
        guard let row else { return .zero }
        return Totals(debitsPosted: try row.decode("dp"), creditsPosted: try row.decode("cp"),
                      debitsPending: try row.decode("dq"), creditsPending: try row.decode("cq"))
    }

    /// One line of an account's history, with the account's totals after it.
    struct EntryLine: Encodable, Sendable {
        let position: Int64
        let transferId: UUID
        let kind: TransferKind
        let code: String?
        let counterpartyAccountId: UUID
        let change: Totals
        let createdAt: Date
    }

    /// An account's entries, newest first, before the cursor position.
    func entries(of accountId: UUID, before position: Int64?, from: Date?, to: Date?, limit: Int) async throws -> [EntryLine] {
        var filters: [SQL] = ["e.account_id = \(accountId)"]
        if let position { filters.append("e.position < \(position)") }
        if let from { filters.append("e.created_at >= \(from)") }
        if let to { filters.append("e.created_at < \(to)") }
        return try await database.query("""
            SELECT e.position, e.transfer_id, t.kind, t.code,
                   CASE WHEN t.debit_account_id = e.account_id THEN t.credit_account_id ELSE t.debit_account_id END AS counterparty,
                   e.debits_posted, e.credits_posted, e.debits_pending, e.credits_pending, e.created_at
            FROM entries e JOIN transfers t ON t.id = e.transfer_id
            WHERE \(SQL(joining: filters, separator: " AND "))
            ORDER BY e.position DESC LIMIT \(limit + 1)
            """).map { row in
            EntryLine(
                position: try row.decode("position"), transferId: try row.decode("transfer_id"), kind: try row.decode("kind"),
                code: try row.decode("code"), counterpartyAccountId: try row.decode("counterparty"),
                change: Totals(debitsPosted: try row.decode("debits_posted"), creditsPosted: try row.decode("credits_posted"),
                               debitsPending: try row.decode("debits_pending"), creditsPending: try row.decode("credits_pending")),
                createdAt: try row.decode("created_at"))
        }
    }

    /// Transfers touching an account (or all, for `nil`), newest first.
    func transfers(accountId: UUID?, code: String?, before: (Date, UUID)?, limit: Int) async throws -> [Transfer] {
        var filters: [SQL] = ["true"]
        if let accountId { filters.append("id IN (SELECT transfer_id FROM entries WHERE account_id = \(accountId))") }
        if let code { filters.append("code = \(code)") }
        if let (createdAt, id) = before { filters.append("(created_at, id) < (\(createdAt), \(id))") }
        return try await database.query("""
            SELECT \(Transfer.columns) FROM transfers WHERE \(SQL(joining: filters, separator: " AND "))
            ORDER BY created_at DESC, id DESC LIMIT \(limit + 1)
            """).map(Transfer.init(row:))
    }
}
