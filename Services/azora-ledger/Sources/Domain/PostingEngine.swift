import Foundation
import Shared

/// Something to do to the books.
enum LedgerCommand: Sendable {
    /// Record a transfer (posted at once, or pending).
    case transfer(TransferOrder)
    /// Post (all or part of) a pending transfer; the rest is released.
    case post(pendingId: UUID, amount: Int64?)
    /// Release a pending transfer without posting it.
    case void(pendingId: UUID)
    /// Release a pending transfer whose timeout has passed (the expiry sweeper's command).
    case expire(pendingId: UUID)

    var pendingId: UUID? {
        switch self {
        case .transfer: nil
        case .post(let id, _), .void(let id), .expire(let id): id
        }
    }

    /// Whether the command's outcome depends on nothing recorded but the accounts it names and
    /// whether its own id is taken: a plain transfer does, a reversal or a resolution also
    /// depends on other transfers.
    var dependsOnlyOnAccounts: Bool {
        if case .transfer(let order) = self { order.reversalOf == nil } else { false }
    }
}

/// What became of one command.
enum CommandOutcome: Sendable, Equatable {
    /// A new transfer was recorded.
    case recorded(Transfer)
    /// The order repeats a transfer recorded earlier; nothing changed.
    case repeated(Transfer)
    case refused(LedgerRefusal)

    var transfer: Transfer? {
        switch self {
        case .recorded(let transfer), .repeated(let transfer): transfer
        case .refused: nil
        }
    }
}

/// One line of an account's history: the signed change a transfer made to its totals.
struct Entry: Sendable, Equatable {
    let transferId: UUID
    let accountId: UUID
    let change: Totals
}

/// The ledger's rules, applied to a snapshot of the books held in memory: the accounts the
/// commands touch (locked by the caller for the duration) and what is already recorded about
/// the transfers they name. Commands apply one after another, each seeing the ones before it;
/// a refused command changes nothing.
///
/// It does no I/O, so every rule is tested directly, and a thousand commands cost one read of
/// the books and one write, whether they come as a batch or as concurrent single requests.
struct PostingEngine {
    struct Books: Sendable {
        var accounts: [UUID: Account] = [:]
        /// Recorded transfers named by the commands: their own ids, pending ids, reversal targets.
        var transfers: [UUID: Transfer] = [:]
        /// How each already-resolved pending transfer was resolved, by pending id.
        var resolutions: [UUID: TransferKind] = [:]
        /// How much of each reversal target has been reversed so far.
        var reversed: [UUID: Int64] = [:]
    }

    private(set) var books: Books
    /// The database's clock for this transaction: creation time of new transfers, expiry checks.
    let now: Date
    /// The transfers recorded by this run, in order, with their entries.
    private(set) var recorded: [Transfer] = []
    private(set) var entries: [Entry] = []
    /// The accounts whose totals changed.
    private(set) var touchedAccounts: Set<UUID> = []

    init(books: Books, now: Date) {
        self.books = books
        self.now = now
    }

    /// Applies a command; `resolutionId` is the id a post, void or expiry is recorded under (a
    /// new one when not given).
    mutating func apply(_ command: LedgerCommand, resolutionId: UUID? = nil) -> CommandOutcome {
        let result: Result<CommandOutcome, LedgerRefusal>
        switch command {
        case .transfer(let order): result = record(order)
        case .post(let pendingId, let amount): result = resolve(pendingId, as: .post, amount: amount, id: resolutionId)
        case .void(let pendingId): result = resolve(pendingId, as: .void, amount: nil, id: resolutionId)
        case .expire(let pendingId): result = resolve(pendingId, as: .expire, amount: nil, id: resolutionId)
        }
        switch result {
        case .success(let outcome): return outcome
        case .failure(let refusal): return .refused(refusal)
        }
    }

    private mutating func record(_ order: TransferOrder) -> Result<CommandOutcome, LedgerRefusal> {
        if let existing = books.transfers[order.id] {
            if let field = order.firstDifference(from: existing) {
                return .failure(.existsWithDifferentFields(id: order.id, field: field))
            }
            return .success(.repeated(existing))
        }
        guard let debit = books.accounts[order.debitAccountId] else {
            return .failure(.accountNotFound(field: "debitAccountId", id: order.debitAccountId))
        }
        guard let credit = books.accounts[order.creditAccountId] else {
            return .failure(.accountNotFound(field: "creditAccountId", id: order.creditAccountId))
        }
        if debit.currency != order.currency {
            return .failure(.currencyMismatch(field: "debitAccountId", expected: order.currency, found: debit.currency))
        }
        if credit.currency != order.currency {
            return .failure(.currencyMismatch(field: "creditAccountId", expected: order.currency, found: credit.currency))
        }
        for account in [debit, credit] where account.closed { return .failure(.accountClosed(account: account.id)) }
        if let originalId = order.reversalOf {
            if let refusal = reversalRefusal(order, originalId: originalId) { return .failure(refusal) }
        }
        let transfer = Transfer(
            id: order.id, kind: order.pending ? .pending : .single, debitAccountId: order.debitAccountId,
            creditAccountId: order.creditAccountId, amount: order.amount, currency: order.currency, code: order.code,
            metadata: order.metadata, reversalOf: order.reversalOf, timeoutSeconds: order.timeoutSeconds,
            timeoutAt: order.timeoutSeconds.map { now.addingTimeInterval(TimeInterval($0)) }, createdAt: now)
        return commit(transfer, pendingAmount: 0).map {
            if let originalId = order.reversalOf { books.reversed[originalId, default: 0] += order.amount }
            return .recorded(transfer)
        }
    }

    private func reversalRefusal(_ order: TransferOrder, originalId: UUID) -> LedgerRefusal? {
        guard let original = books.transfers[originalId] else { return .transferNotFound(field: "reversalOf", id: originalId) }
        guard original.kind == .single || original.kind == .post else {
            return .notReversible(id: originalId, reason: "only posted transfers can be reversed; void a pending one")
        }
        guard original.debitAccountId == order.creditAccountId, original.creditAccountId == order.debitAccountId else {
            return .notReversible(id: originalId, reason: "a reversal moves money back between the same two accounts")
        }
        let remaining = original.amount - books.reversed[originalId, default: 0]
        return order.amount > remaining ? .exceedsReversibleAmount(remaining: remaining) : nil
    }

    private mutating func resolve(_ pendingId: UUID, as kind: TransferKind, amount: Int64?, id: UUID?)
        -> Result<CommandOutcome, LedgerRefusal>
    {
        // Made here rather than as a default argument: a plain transfer needs none, and a batch
        // of them spent a tenth of the ledger's CPU making ids it threw away.
        let id = id ?? UUIDv7.make()
        guard let pending = books.transfers[pendingId] else { return .failure(.transferNotFound(field: "id", id: pendingId)) }
        guard pending.kind == .pending else { return .failure(.notPending(id: pendingId)) }
        if let resolution = books.resolutions[pendingId] {
            return .failure(.pendingAlreadyResolved(id: pendingId, resolution: resolution))
        }
        let expired = pending.timeoutAt.map { $0 <= now } ?? false
        if kind == .expire && !expired { return .failure(.notPending(id: pendingId)) }
        if kind != .expire && expired { return .failure(.pendingExpired(id: pendingId)) }
        let posted = amount ?? pending.amount
        if kind == .post && !(1...pending.amount).contains(posted) {
            return .failure(.exceedsPendingAmount(pending: pending.amount))
        }
        let transfer = Transfer(
            id: id, kind: kind, debitAccountId: pending.debitAccountId, creditAccountId: pending.creditAccountId,
            amount: kind == .post ? posted : pending.amount, currency: pending.currency, code: pending.code,
            metadata: pending.metadata, pendingId: pendingId, createdAt: now)
        return commit(transfer, pendingAmount: pending.amount).map {
            books.resolutions[pendingId] = kind
            return .recorded(transfer)
        }
    }

    /// Checks the change to both accounts and, when allowed, records the transfer: no total past
    /// `Totals.limit` (TigerBeetle's overflow checks), then the accounts' limit flags.
    private mutating func commit(_ transfer: Transfer, pendingAmount: Int64) -> Result<Void, LedgerRefusal> {
        guard let debit = books.accounts[transfer.debitAccountId], let credit = books.accounts[transfer.creditAccountId] else {
            return .failure(.accountNotFound(field: "debitAccountId", id: transfer.debitAccountId))
        }
        if let total = transfer.overflow(debit: debit.totals, credit: credit.totals) {
            return .failure(.overflows(total, account: total.isDebit ? debit.id : credit.id))
        }
        let (debitChange, creditChange) = transfer.changes(pendingAmount: pendingAmount)
        // Only books changed behind the ledger's back (a pending total smaller than a transfer it
        // holds) get no totals here; refused rather than written, and never a trap.
        guard let debitTotals = debit.totals.applying(debitChange) else { return .failure(.overflows(.debits, account: debit.id)) }
        guard let creditTotals = credit.totals.applying(creditChange) else { return .failure(.overflows(.credits, account: credit.id)) }
        if let refusal = debit.limitRefusal(debitChange, next: debitTotals) ?? credit.limitRefusal(creditChange, next: creditTotals) {
            return .failure(refusal)
        }
        books.accounts[debit.id]?.totals = debitTotals
        books.accounts[credit.id]?.totals = creditTotals
        books.transfers[transfer.id] = transfer
        recorded.append(transfer)
        entries.append(Entry(transferId: transfer.id, accountId: debit.id, change: debitChange))
        entries.append(Entry(transferId: transfer.id, accountId: credit.id, change: creditChange))
        touchedAccounts.formUnion([debit.id, credit.id])
        return .success(())
    }
}
