import Foundation
import Shared
import TestSupport
import Testing

@testable import AzoraLedger

/// The ledger's rules on their own, without a database.
@Suite struct PostingEngineTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func account(_ id: UUID = UUID(), currency: String = "USD", type: AccountType = .liability,
                        flags: AccountFlags = AccountFlags(), totals: Totals = .zero, closed: Bool = false) -> Account {
        Account(id: id, currency: currency, type: type, ownerRef: nil, code: nil, metadata: .object([:]), flags: flags,
                closed: closed, totals: totals, createdAt: now)
    }

    static func engine(_ accounts: [Account], transfers: [Transfer] = []) -> PostingEngine {
        var books = PostingEngine.Books()
        for account in accounts { books.accounts[account.id] = account }
        for transfer in transfers { books.transfers[transfer.id] = transfer }
        return PostingEngine(books: books, now: now)
    }

    static func refusal(_ outcome: CommandOutcome) -> String? {
        if case .refused(let refusal) = outcome { refusal.code } else { nil }
    }

    @Test func aWalletCannotSpendMoreThanItWasCreditedPendingReservationsIncluded() {
        let world = Self.account(type: .equity)
        let wallet = Self.account(type: .liability, flags: AccountFlags(debitsMustNotExceedCredits: true))
        var engine = Self.engine([world, wallet])
        #expect(engine.apply(.transfer(TransferOrder(id: UUID(), debitAccountId: world.id, creditAccountId: wallet.id, amount: 100, currency: "USD"))).transfer != nil)
        #expect(engine.apply(.transfer(TransferOrder(id: UUID(), debitAccountId: wallet.id, creditAccountId: world.id, amount: 60, currency: "USD", pending: true))).transfer != nil)
        let over = engine.apply(.transfer(TransferOrder(id: UUID(), debitAccountId: wallet.id, creditAccountId: world.id, amount: 41, currency: "USD")))
        #expect(Self.refusal(over) == "exceeds_credits")
        #expect(engine.apply(.transfer(TransferOrder(id: UUID(), debitAccountId: wallet.id, creditAccountId: world.id, amount: 40, currency: "USD"))).transfer != nil)
        #expect(engine.books.accounts[wallet.id]?.totals == Totals(debitsPosted: 40, creditsPosted: 100, debitsPending: 60))
        #expect(engine.recorded.count == 3 && engine.entries.count == 6)
    }

    @Test func creditsLimitedByDebitsAreRefusedWithTheirOwnSlug() {
        let cash = Self.account(type: .asset)
        let limited = Self.account(type: .asset, flags: AccountFlags(creditsMustNotExceedDebits: true))
        var engine = Self.engine([cash, limited])
        let outcome = engine.apply(.transfer(TransferOrder(id: UUID(), debitAccountId: cash.id, creditAccountId: limited.id, amount: 1, currency: "USD")))
        #expect(Self.refusal(outcome) == "exceeds_debits")
        #expect(engine.recorded.isEmpty && engine.books.accounts[cash.id]?.totals == .zero)
    }

    @Test func aRepeatReturnsTheOriginalAndADifferentFieldIsNamed() {
        let a = Self.account(), b = Self.account()
        var engine = Self.engine([a, b])
        let order = TransferOrder(id: UUID(), debitAccountId: a.id, creditAccountId: b.id, amount: 5, currency: "USD", code: "fee")
        guard case .recorded(let first) = engine.apply(.transfer(order)) else { Issue.record("not recorded"); return }
        guard case .repeated(let again) = engine.apply(.transfer(order)) else { Issue.record("not a repeat"); return }
        #expect(again == first)
        let changed = TransferOrder(id: order.id, debitAccountId: a.id, creditAccountId: b.id, amount: 6, currency: "USD", code: "fee")
        guard case .refused(let refusal) = engine.apply(.transfer(changed)) else { Issue.record("accepted"); return }
        #expect(refusal.code == "exists_with_different_fields" && refusal.fieldErrors.map(\.field) == ["amount"])
        #expect(engine.recorded.count == 1)
    }

    @Test func currenciesMustMatchAndClosedOrUnknownAccountsTakeNothing() {
        let usd = Self.account(currency: "USD"), eur = Self.account(currency: "EUR"), closed = Self.account(closed: true)
        var engine = Self.engine([usd, eur, closed])
        let mismatch = engine.apply(.transfer(TransferOrder(id: UUID(), debitAccountId: usd.id, creditAccountId: eur.id, amount: 1, currency: "USD")))
        #expect(Self.refusal(mismatch) == "currency_mismatch")
        let toClosed = engine.apply(.transfer(TransferOrder(id: UUID(), debitAccountId: usd.id, creditAccountId: closed.id, amount: 1, currency: "USD")))
        #expect(Self.refusal(toClosed) == "account_closed")
        let unknown = engine.apply(.transfer(TransferOrder(id: UUID(), debitAccountId: usd.id, creditAccountId: UUID(), amount: 1, currency: "USD")))
        #expect(Self.refusal(unknown) == "account_not_found")
        #expect(engine.recorded.isEmpty)
    }

    @Test func aPendingTransferResolvesOnceInFullOrInPart() {
        let a = Self.account(), b = Self.account()
        var engine = Self.engine([a, b])
        let hold = TransferOrder(id: UUID(), debitAccountId: a.id, creditAccountId: b.id, amount: 100, currency: "USD", pending: true, timeoutSeconds: 60)
        #expect(engine.apply(.transfer(hold)).transfer?.timeoutAt == Self.now.addingTimeInterval(60))
        #expect(Self.refusal(engine.apply(.post(pendingId: hold.id, amount: 101))) == "exceeds_pending_amount")
        guard case .recorded(let post) = engine.apply(.post(pendingId: hold.id, amount: 70)) else { Issue.record("not posted"); return }
        #expect(post.kind == .post && post.amount == 70 && post.pendingId == hold.id)
        #expect(engine.books.accounts[a.id]?.totals == Totals(debitsPosted: 70))
        #expect(engine.books.accounts[b.id]?.totals == Totals(creditsPosted: 70))
        #expect(Self.refusal(engine.apply(.void(pendingId: hold.id))) == "pending_already_posted")
        #expect(Self.refusal(engine.apply(.post(pendingId: hold.id, amount: nil))) == "pending_already_posted")
        #expect(Self.refusal(engine.apply(.void(pendingId: post.id))) == "not_pending")
        #expect(Self.refusal(engine.apply(.void(pendingId: UUID()))) == "transfer_not_found")
    }

    @Test func anOverduePendingTransferCanOnlyExpireAndAnotherOnlyBePostedOrVoided() {
        let a = Self.account(), b = Self.account()
        let overdue = Transfer(id: UUID(), kind: .pending, debitAccountId: a.id, creditAccountId: b.id, amount: 30, currency: "USD",
                               code: nil, metadata: .object([:]), timeoutSeconds: 10, timeoutAt: Self.now.addingTimeInterval(-1),
                               createdAt: Self.now.addingTimeInterval(-11))
        let current = Transfer(id: UUID(), kind: .pending, debitAccountId: a.id, creditAccountId: b.id, amount: 20, currency: "USD",
                               code: nil, metadata: .object([:]), createdAt: Self.now)
        var engine = Self.engine([Self.account(a.id, totals: Totals(debitsPending: 50)), Self.account(b.id, totals: Totals(creditsPending: 50))],
                                 transfers: [overdue, current])
        #expect(Self.refusal(engine.apply(.post(pendingId: overdue.id, amount: nil))) == "pending_expired")
        #expect(Self.refusal(engine.apply(.expire(pendingId: current.id))) == "not_pending")
        #expect(engine.apply(.expire(pendingId: overdue.id)).transfer?.kind == .expire)
        #expect(engine.apply(.void(pendingId: current.id)).transfer?.kind == .void)
        #expect(engine.books.accounts[a.id]?.totals == .zero && engine.books.accounts[b.id]?.totals == .zero)
    }

    @Test func aReversalGoesBackTheSameWayAndNeverExceedsTheOriginal() {
        let a = Self.account(), b = Self.account()
        var engine = Self.engine([a, b])
        let sale = TransferOrder(id: UUID(), debitAccountId: a.id, creditAccountId: b.id, amount: 100, currency: "USD")
        _ = engine.apply(.transfer(sale))
        let wrongWay = TransferOrder(id: UUID(), debitAccountId: a.id, creditAccountId: b.id, amount: 10, currency: "USD", reversalOf: sale.id)
        #expect(Self.refusal(engine.apply(.transfer(wrongWay))) == "not_reversible")
        let partial = TransferOrder(id: UUID(), debitAccountId: b.id, creditAccountId: a.id, amount: 60, currency: "USD", reversalOf: sale.id)
        #expect(engine.apply(.transfer(partial)).transfer != nil)
        let tooMuch = TransferOrder(id: UUID(), debitAccountId: b.id, creditAccountId: a.id, amount: 41, currency: "USD", reversalOf: sale.id)
        #expect(Self.refusal(engine.apply(.transfer(tooMuch))) == "exceeds_reversible_amount")
        let rest = TransferOrder(id: UUID(), debitAccountId: b.id, creditAccountId: a.id, amount: 40, currency: "USD", reversalOf: sale.id)
        #expect(engine.apply(.transfer(rest)).transfer != nil)
        #expect(Balance(engine.books.accounts[b.id]!.totals, type: .liability).balance == 0)
    }

    @Test func categoryCodesAreShortASCIIWithoutSpaces() {
        for good in ["course_sale", "payout-2026", "fx:usd.eur", "A", String(repeating: "z", count: 64)] {
            #expect(TransferOrder.isValidCode(good), "\(good)")
        }
        for bad in ["", "with space", "café", "٣", "tab\t", "semi;colon", String(repeating: "z", count: 65)] {
            #expect(!TransferOrder.isValidCode(bad), "\(bad)")
        }
    }

    @Test func ordersAreCheckedFieldByFieldBeforeTheBooksAreConsulted() {
        let same = UUID()
        let order = TransferOrder(id: UUID(), debitAccountId: same, creditAccountId: same, amount: 0, currency: "XXQ", code: "has space",
                                  timeoutSeconds: 5, metadata: .array([]))
        #expect(Set(order.problems(prefix: "transfers[2].").map(\.field)) == [
            "transfers[2].amount", "transfers[2].currency", "transfers[2].creditAccountId", "transfers[2].code",
            "transfers[2].metadata", "transfers[2].timeoutSeconds",
        ])
        #expect(TransferOrder(id: UUID(), debitAccountId: UUID(), creditAccountId: UUID(), amount: TransferOrder.maxAmount + 1,
                              currency: "USD").problems().map(\.field) == ["amount"])
        // Metadata up to 4096 bytes as JSON: `{"note":"…"}` is 11 bytes around the text.
        func metadata(_ length: Int) -> [String] {
            TransferOrder(id: UUID(), debitAccountId: UUID(), creditAccountId: UUID(), amount: 1, currency: "USD",
                          metadata: ["note": .string(String(repeating: "x", count: length))]).problems().map(\.field)
        }
        #expect(metadata(TransferOrder.maxMetadataBytes - 11).isEmpty)
        #expect(metadata(TransferOrder.maxMetadataBytes - 10) == ["metadata"])
    }

    /// Random sequences of every kind of command against random limited accounts: after each,
    /// debits equal credits, no limit is passed, and entries sum to the accounts' totals.
    @Test(arguments: 1...20) func randomCommandsKeepTheBooksBalanced(seed: UInt64) {
        var random = SplitMix(seed: seed)
        let accounts = (0..<5).map { index in
            Self.account(type: index == 0 ? .equity : .liability,
                         flags: index == 0 ? AccountFlags() : AccountFlags(debitsMustNotExceedCredits: index % 2 == 1,
                                                                           creditsMustNotExceedDebits: index == 4))
        }
        var engine = Self.engine(accounts)
        var pendings: [UUID] = []
        for _ in 0..<300 {
            let command: LedgerCommand
            switch random.next() % 4 {
            case 0 where !pendings.isEmpty:
                command = .post(pendingId: pendings[Int(random.next() % UInt64(pendings.count))], amount: Int64(random.next() % 50) + 1)
            case 1 where !pendings.isEmpty:
                command = .void(pendingId: pendings[Int(random.next() % UInt64(pendings.count))])
            default:
                let debit = accounts[Int(random.next() % 5)].id
                var credit = accounts[Int(random.next() % 5)].id
                if credit == debit { credit = accounts[0].id == debit ? accounts[1].id : accounts[0].id }
                let pending = random.next() % 3 == 0
                let order = TransferOrder(id: UUID(), debitAccountId: debit, creditAccountId: credit,
                                          amount: Int64(random.next() % 100) + 1, currency: "USD", pending: pending)
                if pending { pendings.append(order.id) }
                command = .transfer(order)
            }
            _ = engine.apply(command)
            let totals = engine.books.accounts.values.map(\.totals)
            #expect(totals.reduce(0) { $0 + $1.debitsPosted } == totals.reduce(0) { $0 + $1.creditsPosted })
            #expect(totals.reduce(0) { $0 + $1.debitsPending } == totals.reduce(0) { $0 + $1.creditsPending })
            for account in engine.books.accounts.values {
                let t = account.totals
                if account.flags.debitsMustNotExceedCredits { #expect(t.debitsPosted + t.debitsPending <= t.creditsPosted) }
                if account.flags.creditsMustNotExceedDebits { #expect(t.creditsPosted + t.creditsPending <= t.debitsPosted) }
            }
        }
        for account in engine.books.accounts.values {
            let mine = engine.entries.filter { $0.accountId == account.id }.map(\.change)
            let summed = mine.reduce(Totals.zero) { Totals(debitsPosted: $0.debitsPosted + $1.debitsPosted, creditsPosted: $0.creditsPosted + $1.creditsPosted,
                                                           debitsPending: $0.debitsPending + $1.debitsPending, creditsPending: $0.creditsPending + $1.creditsPending) }
            #expect(summed == account.totals)
        }
        #expect(engine.recorded.count > 50)
    }
}

