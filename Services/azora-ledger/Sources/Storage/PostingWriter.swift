import Foundation
import Metrics
import Shared

/// Applies commands to the books in one transaction: reads what they touch, runs the
/// `PostingEngine` in memory, and writes every new transfer, entry, balance and event with one
/// statement each. A group of a thousand transfers therefore costs about as much as a group of one.
///
/// Writers that touch the same accounts take turns on the accounts' row locks, always taken in
/// id order so that they never deadlock. How long a writer holds them is what limits the
/// ledger's throughput: a batch of random transfers locks nearly every account, so batches in
/// flight together run one after another. Plain transfers are therefore written before the
/// locks are taken (see `Plan.writesFirst`), and the locks are held only for the re-check, the
/// accounts' new totals and the commit.
struct PostingWriter: Sendable {
    let database: Database
    let outbox: Outbox
    /// The time every transfer is recorded at and every pending timeout is judged by.
    let clock: FleetClock

    /// How commands that are refused affect the others.
    enum Atomicity {
        /// Each command stands alone: the accepted ones are recorded, the refused ones are not.
        case independent
        /// All or none: if any command is refused, nothing is recorded.
        case allOrNothing
    }

    /// When a transaction takes the accounts' locks.
    private enum Plan {
        /// Lock the accounts, decide, write: right for every command.
        case locksFirst
        /// Decide on the accounts as last committed, write the transfers, entries and events,
        /// then lock the accounts and decide again on what they hold now. The same decisions
        /// commit with the accounts' new totals; different ones (a limit reached meanwhile)
        /// roll the transaction back to run again with `locksFirst`. Only for commands that
        /// depend on nothing but the accounts (`LedgerCommand.dependsOnlyOnAccounts`): a
        /// reversal or resolution also depends on transfers that a concurrent writer may record.
        case writesFirst
    }

    /// Whether a transaction looks up the ids of the transfers it is asked to record.
    ///
    /// Nearly every transfer id is new, and for a batch of thousands the lookup cost up to a
    /// tenth of what PostgreSQL spent on it, more as the table grows (the planner scans the
    /// table for that many ids). So the first
    /// attempt assumes them new. Two things send `apply` round again, looking them up: the
    /// transfers' primary key refusing a repeat when they are written, and a transfer refused
    /// for any reason before that, since it may have been a repeat, to be answered with the
    /// original instead. Nothing has been written in either case.
    private enum IdLookup {
        case assumeNew
        case always
    }

    /// The locked accounts changed a decision made before the locks.
    private struct DecisionsChangedUnderLock: Error {}

    /// A transfer was refused by an attempt that assumed its id new (`IdLookup.assumeNew`).
    private struct RefusedWithoutLookup: Error {}

    /// Applies the commands and returns one outcome per command, in order.
    /// - Throws: `UnstorableCommands` when PostgreSQL refuses a value a command holds (nothing
    ///   was written), or the database's error.
    func apply(_ commands: [LedgerCommand], _ atomicity: Atomicity) async throws -> [CommandOutcome] {
        var plan = commands.allSatisfy(\.dependsOnlyOnAccounts) ? Plan.writesFirst : .locksFirst
        var ids = IdLookup.assumeNew
        // Two writers may record the same new transfer id at once (a client retrying against two
        // replicas); the loser's insert fails on the primary key. Running again, it finds the
        // winner's transfer and answers with it, as for any repeat.
        var attempt = 1
        while true {
            let (thisPlan, theseIds) = (plan, ids)
            do {
                return try await database.transaction { transaction in
                    switch thisPlan {
                    case .locksFirst: try await applyLockingFirst(commands, atomicity, theseIds, in: transaction)
                    case .writesFirst: try await applyWritingFirst(commands, atomicity, theseIds, in: transaction)
                    }
                }
            } catch let error as PostgresError where error.sqlState == "23505" && theseIds == .assumeNew {
                ids = .always
            } catch is RefusedWithoutLookup {
                ids = .always
            } catch let error as PostgresError where error.sqlState == "23505" && attempt < 3 {
                attempt += 1
            } catch is DecisionsChangedUnderLock {
                Counter(label: "ledger_decisions_changed_under_lock_total").increment()
                plan = .locksFirst
            } catch let error as PostgresError {
                throw UnstorableCommands(error) ?? error
            }
        }
    }

    private func applyLockingFirst(_ commands: [LedgerCommand], _ atomicity: Atomicity, _ ids: IdLookup,
                                   in transaction: Transaction) async throws -> [CommandOutcome]
    {
        let (_, engine, outcomes) = try await decide(commands, locking: true, ids, in: transaction)
        guard engine.hasWritesToKeep(outcomes, atomicity) else { return outcomes }
        try await outbox.append(
            selecting: LedgerEvents.selecting(engine.recorded, from: "recorded"),
            with: "\(recordedChanges(engine)), totals AS (\(totalsUpdate(engine)))", in: transaction)
        return outcomes
    }

    private func applyWritingFirst(_ commands: [LedgerCommand], _ atomicity: Atomicity, _ ids: IdLookup,
                                   in transaction: Transaction) async throws -> [CommandOutcome]
    {
        let (booksAsRead, engine, outcomes) = try await decide(commands, locking: false, ids, in: transaction)
        // Outcomes decided on the accounts as last committed that write nothing need no lock.
        guard engine.hasWritesToKeep(outcomes, atomicity) else { return outcomes }
        try await outbox.append(
            selecting: LedgerEvents.selecting(engine.recorded, from: "recorded"), with: recordedChanges(engine),
            in: transaction)
        // The books as read, not the engine's: those already hold the transfers just recorded.
        var lockedBooks = booksAsRead
        lockedBooks.accounts = try await accounts(Array(booksAsRead.accounts.keys), locking: true, in: transaction)
        var recheck = PostingEngine(books: lockedBooks, now: engine.now)
        guard commands.map({ recheck.apply($0) }) == outcomes else { throw DecisionsChangedUnderLock() }
        try await transaction.execute(totalsUpdate(recheck))
        return outcomes
    }

    /// Reads the books and applies the commands to them in memory.
    private func decide(_ commands: [LedgerCommand], locking: Bool, _ ids: IdLookup, in transaction: Transaction)
        async throws -> (booksAsRead: PostingEngine.Books, engine: PostingEngine, outcomes: [CommandOutcome])
    {
        let (books, now) = try await read(for: commands, locking: locking, ids, in: transaction)
        var engine = PostingEngine(books: books, now: now)
        let outcomes = commands.map { engine.apply($0) }
        if ids == .assumeNew, zip(commands, outcomes).contains(where: { command, outcome in
            if case .transfer = command, case .refused = outcome { true } else { false }
        }) {
            throw RefusedWithoutLookup()
        }
        return (books, engine, outcomes)
    }

    /// Reads the part of the books the commands need, and the fleet's time; with `locking`,
    /// locks the accounts before reading what was recorded on them.
    private func read(for commands: [LedgerCommand], locking: Bool, _ ids: IdLookup, in transaction: Transaction)
        async throws -> (PostingEngine.Books, now: Date)
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
        books.accounts = try await accounts(Array(accountIds), locking: locking, in: transaction)
        let now = clock.now()
        // With the locks taken, whatever a concurrent writer recorded on these accounts has committed.
        // Without them, a transfer recorded meanwhile under one of these ids fails this writer's
        // insert on the primary key, and `apply` runs again to find it.
        if ids == .always {
            for transfer in try await transfers(ordered, in: transaction) { books.transfers[transfer.id] = transfer }
        }
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

    /// The accounts with these ids, as they are now; with `locking`, locked in id order.
    private func accounts(_ ids: [UUID], locking: Bool, in transaction: Transaction) async throws -> [UUID: Account] {
        let lock: SQL = locking ? "ORDER BY id FOR UPDATE" : ""
        var accounts: [UUID: Account] = [:]
        for row in try await transaction.query("SELECT \(Account.columns) FROM accounts WHERE id = ANY(\(ids)::uuid[]) \(lock)") {
            let account = try Account(row: row)
            accounts[account.id] = account
        }
        return accounts
    }

    /// The transfers and entries the engine recorded, as the data-modifying `WITH` queries
    /// `recorded` (returning the transfers, from which their events are written) and `posted`:
    /// one statement with the events, so one round trip.
    private func recordedChanges(_ engine: PostingEngine) -> SQL {
        let transfers = engine.recorded
        let entries = engine.entries
        return """
            recorded AS (
                INSERT INTO transfers (id, kind, debit_account_id, credit_account_id, amount, currency, code, metadata,
                                       pending_id, reversal_of, timeout_seconds, timeout_at, created_at)
                -- The engine creates every transfer at its `now`: one timestamp, not one per row.
                SELECT *, \(engine.now)::timestamptz FROM unnest(\(transfers.map(\.id))::uuid[], \(transfers.map(\.kind.rawValue))::text[],
                    \(transfers.map(\.debitAccountId))::uuid[], \(transfers.map(\.creditAccountId))::uuid[],
                    \(transfers.map(\.amount))::bigint[], \(transfers.map(\.currency))::text[], \(transfers.map(\.code))::text[],
                    \(transfers.map { JSONText.write($0.metadata) })::text[]::jsonb[], \(transfers.map(\.pendingId))::uuid[], \(transfers.map(\.reversalOf))::uuid[],
                    \(transfers.map(\.timeoutSeconds))::integer[], \(transfers.map(\.timeoutAt))::timestamptz[])
                RETURNING *),
            posted AS (
                INSERT INTO entries (transfer_id, account_id, debits_posted, credits_posted, debits_pending, credits_pending, created_at)
                SELECT transfer_id, account_id, dp, cp, dq, cq, \(engine.now)::timestamptz
                FROM unnest(\(entries.map(\.transferId))::uuid[], \(entries.map(\.accountId))::uuid[],
                            \(entries.map(\.change.debitsPosted))::bigint[], \(entries.map(\.change.creditsPosted))::bigint[],
                            \(entries.map(\.change.debitsPending))::bigint[], \(entries.map(\.change.creditsPending))::bigint[])
                     AS e(transfer_id, account_id, dp, cp, dq, cq))
            """
    }

    /// Sets the new totals of the accounts the engine changed. The caller holds their locks.
    private func totalsUpdate(_ engine: PostingEngine) -> SQL {
        let accounts = engine.touchedAccounts.compactMap { engine.books.accounts[$0] }
        return """
            UPDATE accounts SET debits_posted = t.dp, credits_posted = t.cp, debits_pending = t.dq, credits_pending = t.cq
            FROM unnest(\(accounts.map(\.id))::uuid[], \(accounts.map(\.totals.debitsPosted))::bigint[],
                        \(accounts.map(\.totals.creditsPosted))::bigint[], \(accounts.map(\.totals.debitsPending))::bigint[],
                        \(accounts.map(\.totals.creditsPending))::bigint[]) AS t(id, dp, cp, dq, cq)
            WHERE accounts.id = t.id
            """
    }
}

private extension PostingEngine {
    /// Whether the outcomes of the commands it applied leave anything to write: all or nothing
    /// writes nothing once one is refused.
    func hasWritesToKeep(_ outcomes: [CommandOutcome], _ atomicity: PostingWriter.Atomicity) -> Bool {
        let refused = outcomes.contains { if case .refused = $0 { true } else { false } }
        return !(refused && atomicity == .allOrNothing) && !recorded.isEmpty
    }
}
