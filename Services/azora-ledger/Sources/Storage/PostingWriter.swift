import Foundation
import Shared

/// Applies commands to the books in one transaction: reads what they touch (locking the
/// accounts, in id order so that concurrent writers never deadlock), runs the `PostingEngine`
/// in memory, and writes every new transfer, entry, balance and event with one statement each.
/// A group of a thousand transfers therefore costs about as much as a group of one.
struct PostingWriter: Sendable {
    let database: Database
    let outbox: Outbox

    /// How commands that are refused affect the others.
    enum Atomicity {
        /// Each command stands alone: the accepted ones are recorded, the refused ones are not.
        case independent
        /// All or none: if any command is refused, nothing is recorded.
        case allOrNothing
    }

    /// Applies the commands and returns one outcome per command, in order.
    func apply(_ commands: [LedgerCommand], _ atomicity: Atomicity) async throws -> [CommandOutcome] {
        // Two writers may record the same new transfer id at once (a client retrying against two
        // replicas); the loser's insert fails on the primary key. Running again, it finds the
        // winner's transfer and answers with it, as for any repeat.
        var attempt = 1
        while true {
            do {
                return try await database.transaction { transaction in
                    try await apply(commands, atomicity, in: transaction)
                }
            } catch let error as PostgresError where error.sqlState == "23505" && attempt < 3 {
                attempt += 1
            }
        }
    }

    private func apply(_ commands: [LedgerCommand], _ atomicity: Atomicity, in transaction: Transaction) async throws
        -> [CommandOutcome]
    {
        let (books, now) = try await read(for: commands, in: transaction)
        var engine = PostingEngine(books: books, now: now)
        let outcomes = commands.map { engine.apply($0) }
        let refused = outcomes.contains { if case .refused = $0 { true } else { false } }
        if refused && atomicity == .allOrNothing { return outcomes }
        try await write(engine, in: transaction)
        return outcomes
    }

    /// Reads (and locks) the part of the books the commands need, and the transaction's clock.
    private func read(for commands: [LedgerCommand], in transaction: Transaction) async throws
        -> (PostingEngine.Books, now: Date)
    {
        var books = PostingEngine.Books()
        var ordered: [UUID] = []
        var referenced: [UUID] = []
        var accountIds: Set<UUID> = []
        for command in commands {
            switch command {
            case .transfer(let order):
                ordered.append(order.id)
                if let original = order.reversalOf { referenced.append(original) }
                accountIds.formUnion([order.debitAccountId, order.creditAccountId])
            case .post(let pendingId, _), .void(let pendingId), .expire(let pendingId):
                referenced.append(pendingId)
            }
        }
        // Pending transfers and reversal targets never change, so they can be read before the locks.
        for transfer in try await transfers(referenced, in: transaction) {
            books.transfers[transfer.id] = transfer
            accountIds.formUnion([transfer.debitAccountId, transfer.creditAccountId])
        }
        // The transaction's clock comes with the locked rows, to save a round trip.
        let rows = try await transaction.query("""
            SELECT \(Account.columns), now() AS now FROM accounts WHERE id = ANY(\(Array(accountIds))::uuid[])
            ORDER BY id FOR UPDATE
            """)
        for row in rows {
            let account = try Account(row: row)
            books.accounts[account.id] = account
        }
        let now: Date = if let row = rows.first { try row.decode("now") } else {
            try await transaction.queryFirst("SELECT now() AS now")?.decode("now") ?? Date()
        }
        // Read after the locks: whatever a concurrent writer recorded on these accounts has committed.
        for transfer in try await transfers(ordered, in: transaction) { books.transfers[transfer.id] = transfer }
        let pendingIds = commands.compactMap(\.pendingId)
        if !pendingIds.isEmpty {
            for row in try await transaction.query(
                "SELECT pending_id, kind FROM transfers WHERE pending_id = ANY(\(pendingIds)::uuid[])")
            {
                books.resolutions[try row.decode("pending_id")] = try row.decode("kind", as: TransferKind.self)
            }
        }
        let reversalTargets = commands.compactMap { if case .transfer(let order) = $0 { order.reversalOf } else { nil } }
        if !reversalTargets.isEmpty {
            for row in try await transaction.query("""
                SELECT reversal_of, sum(amount)::bigint AS reversed FROM transfers
                WHERE reversal_of = ANY(\(reversalTargets)::uuid[]) GROUP BY reversal_of
                """)
            {
                books.reversed[try row.decode("reversal_of")] = try row.decode("reversed")
            }
        }
        return (books, now)
    }

    private func transfers(_ ids: [UUID], in transaction: Transaction) async throws -> [Transfer] {
        guard !ids.isEmpty else { return [] }
        return try await transaction.query("SELECT \(Transfer.columns) FROM transfers WHERE id = ANY(\(ids)::uuid[])")
            .map(Transfer.init(row:))
    }

    /// Writes what the engine recorded (transfers, entries, the accounts' new totals, events) in
    /// one statement, so one round trip: a group commit of a few transfers spent most of its
    /// time on the round trips of four.
    private func write(_ engine: PostingEngine, in transaction: Transaction) async throws {
        let transfers = engine.recorded
        guard !transfers.isEmpty else { return }
        let entries = engine.entries
        let accounts = engine.touchedAccounts.compactMap { engine.books.accounts[$0] }
        let changes: SQL = """
            recorded AS (
                INSERT INTO transfers (id, kind, debit_account_id, credit_account_id, amount, currency, code, metadata,
                                       pending_id, reversal_of, timeout_seconds, timeout_at, created_at)
                SELECT * FROM unnest(\(transfers.map(\.id))::uuid[], \(transfers.map(\.kind.rawValue))::text[],
                    \(transfers.map(\.debitAccountId))::uuid[], \(transfers.map(\.creditAccountId))::uuid[],
                    \(transfers.map(\.amount))::bigint[], \(transfers.map(\.currency))::text[], \(transfers.map(\.code))::text[],
                    \(transfers.map(\.metadata))::jsonb[], \(transfers.map(\.pendingId))::uuid[], \(transfers.map(\.reversalOf))::uuid[],
                    \(transfers.map(\.timeoutSeconds))::integer[], \(transfers.map(\.timeoutAt))::timestamptz[],
                    \(transfers.map(\.createdAt))::timestamptz[])
                RETURNING *),
            posted AS (
                INSERT INTO entries (transfer_id, account_id, debits_posted, credits_posted, debits_pending, credits_pending, created_at)
                SELECT transfer_id, account_id, dp, cp, dq, cq, \(engine.now)::timestamptz
                FROM unnest(\(entries.map(\.transferId))::uuid[], \(entries.map(\.accountId))::uuid[],
                            \(entries.map(\.change.debitsPosted))::bigint[], \(entries.map(\.change.creditsPosted))::bigint[],
                            \(entries.map(\.change.debitsPending))::bigint[], \(entries.map(\.change.creditsPending))::bigint[])
                     AS e(transfer_id, account_id, dp, cp, dq, cq)),
            totals AS (
                UPDATE accounts SET debits_posted = t.dp, credits_posted = t.cp, debits_pending = t.dq, credits_pending = t.cq
                FROM unnest(\(accounts.map(\.id))::uuid[], \(accounts.map(\.totals.debitsPosted))::bigint[],
                            \(accounts.map(\.totals.creditsPosted))::bigint[], \(accounts.map(\.totals.debitsPending))::bigint[],
                            \(accounts.map(\.totals.creditsPending))::bigint[]) AS t(id, dp, cp, dq, cq)
                WHERE accounts.id = t.id)
            """
        try await outbox.append(selecting: LedgerEvents.selecting(transfers, from: "recorded"), with: changes, in: transaction)
    }
}
