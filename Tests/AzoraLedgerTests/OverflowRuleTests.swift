import Foundation
import Shared
import TestSupport
import Testing

@testable import AzoraLedger

/// TigerBeetle's overflow rule at the ledger's limit (2^53 − 1 per total), without a database:
/// which transfers are refused, with which slug, on every path that changes totals.
@Suite struct OverflowRuleTests {
    static let limit = Totals.limit
    static let max = TransferOrder.maxAmount

    static func account(_ totals: Totals = .zero, flags: AccountFlags = AccountFlags()) -> Account {
        PostingEngineTests.account(flags: flags, totals: totals)
    }

    static func order(_ debit: Account, _ credit: Account, _ amount: Int64, pending: Bool = false, reversalOf: UUID? = nil) -> LedgerCommand {
        .transfer(TransferOrder(id: UUID(), debitAccountId: debit.id, creditAccountId: credit.id, amount: amount, currency: "USD",
                                pending: pending, reversalOf: reversalOf))
    }

    static func refusal(_ outcome: CommandOutcome) -> String? { PostingEngineTests.refusal(outcome) }

    @Test func aTransferMayFillATotalToTheLimitButNotPastIt() {
        let a = Self.account(Totals(debitsPosted: Self.limit - 10)), b = Self.account()
        var engine = PostingEngineTests.engine([a, b])
        #expect(Self.refusal(engine.apply(Self.order(a, b, 11))) == "overflows_debits_posted")
        #expect(engine.apply(Self.order(a, b, 10)).transfer != nil)
        #expect(engine.books.accounts[a.id]?.totals.debitsPosted == Self.limit)
        #expect(Self.refusal(engine.apply(Self.order(a, b, 1))) == "overflows_debits_posted")
        // Money still comes in on the other side.
        #expect(engine.apply(Self.order(b, a, Self.max)).transfer != nil)
    }

    @Test func eachTotalHasItsSlugInTigerBeetlesOrder() {
        let full = Totals(debitsPosted: Self.limit, creditsPosted: Self.limit, debitsPending: Self.limit, creditsPending: Self.limit)
        let fullDebit = Self.account(full), fullCredit = Self.account(full)
        var engine = PostingEngineTests.engine([fullDebit, fullCredit])
        // Everything would overflow: the pending totals come first, the debit account before the credit account.
        #expect(Self.refusal(engine.apply(Self.order(fullDebit, fullCredit, 1, pending: true))) == "overflows_debits_pending")
        #expect(Self.refusal(engine.apply(Self.order(fullDebit, fullCredit, 1))) == "overflows_debits_posted")

        let empty = Self.account()
        let creditsPending = Self.account(Totals(creditsPending: Self.limit))
        let creditsPosted = Self.account(Totals(creditsPosted: Self.limit))
        let debitsPending = Self.account(Totals(debitsPending: Self.limit))
        // Half of what can be posted and half pending: each fits alone, not together.
        let debitsHalves = Self.account(Totals(debitsPosted: Self.limit / 2 + 1, debitsPending: Self.limit / 2))
        let creditsHalves = Self.account(Totals(creditsPosted: Self.limit / 2 + 1, creditsPending: Self.limit / 2))
        var books = PostingEngineTests.engine([empty, creditsPending, creditsPosted, debitsPending, debitsHalves, creditsHalves])
        #expect(Self.refusal(books.apply(Self.order(empty, creditsPending, 1, pending: true))) == "overflows_credits_pending")
        #expect(Self.refusal(books.apply(Self.order(empty, creditsPosted, 1))) == "overflows_credits_posted")
        #expect(Self.refusal(books.apply(Self.order(debitsPending, empty, 1, pending: true))) == "overflows_debits_pending")
        // A pending transfer is also checked against the posted totals it may be posted into.
        #expect(Self.refusal(books.apply(Self.order(empty, creditsPosted, 1, pending: true))) == "overflows_credits_posted")
        // Pending and posted together.
        #expect(Self.refusal(books.apply(Self.order(debitsHalves, empty, 1))) == "overflows_debits")
        #expect(Self.refusal(books.apply(Self.order(empty, creditsHalves, 1))) == "overflows_credits")
        #expect(Self.refusal(books.apply(Self.order(debitsPending, empty, 1))) == "overflows_debits")
        #expect(books.recorded.isEmpty)
    }

    @Test func anOverflowIsAConflictNamingTheAccountAndTheLimit() {
        let a = Self.account(), b = Self.account(Totals(creditsPosted: Self.limit))
        var engine = PostingEngineTests.engine([a, b])
        guard case .refused(let refusal) = engine.apply(Self.order(a, b, 5)) else { Issue.record("accepted"); return }
        #expect(refusal.status == .conflict && refusal.code == "overflows_credits_posted")
        #expect(refusal.detail.contains(b.id.uuidString) && refusal.detail.contains(String(Self.limit)))
        #expect(engine.books.accounts[a.id]?.totals == .zero)
    }

    @Test func overflowsAreCheckedBeforeTheLimitFlags() {
        let wallet = Self.account(Totals(debitsPosted: Self.limit), flags: AccountFlags(debitsMustNotExceedCredits: true))
        let other = Self.account()
        var engine = PostingEngineTests.engine([wallet, other])
        #expect(Self.refusal(engine.apply(Self.order(wallet, other, 1))) == "overflows_debits_posted")
    }

    /// The issue's case: one batch of 1,024 transfers of the largest amount between two new
    /// accounts. The first fills both accounts; every other one is refused.
    @Test func aThousandLargestTransfersBetweenTwoAccountsStopAtTheLimit() {
        let a = Self.account(), b = Self.account()
        var engine = PostingEngineTests.engine([a, b])
        let outcomes = (0..<1024).map { _ in engine.apply(Self.order(a, b, Self.max)) }
        #expect(outcomes.first?.transfer != nil)
        #expect(outcomes.dropFirst().allSatisfy { Self.refusal($0) == "overflows_debits_posted" })
        #expect(engine.books.accounts[a.id]?.totals == Totals(debitsPosted: Self.limit))
        #expect(engine.books.accounts[b.id]?.totals == Totals(creditsPosted: Self.limit))
    }

    @Test func postingAPendingTransferCannotOverflowWhatItReserved() {
        let a = Self.account(Totals(debitsPosted: Self.limit - 100)), b = Self.account(Totals(creditsPosted: Self.limit - 100))
        var engine = PostingEngineTests.engine([a, b])
        let hold = TransferOrder(id: UUID(), debitAccountId: a.id, creditAccountId: b.id, amount: 100, currency: "USD", pending: true)
        #expect(engine.apply(.transfer(hold)).transfer != nil)
        // Nothing more fits beside the reservation, pending or posted.
        #expect(Self.refusal(engine.apply(Self.order(a, b, 1, pending: true))) == "overflows_debits")
        #expect(Self.refusal(engine.apply(Self.order(a, b, 1))) == "overflows_debits")
        #expect(engine.apply(.post(pendingId: hold.id, amount: nil)).transfer?.kind == .post)
        #expect(engine.books.accounts[a.id]?.totals == Totals(debitsPosted: Self.limit))
        #expect(engine.books.accounts[b.id]?.totals == Totals(creditsPosted: Self.limit))
    }

    /// Books written before the limit may hold pending transfers that no longer fit: a post is
    /// refused rather than taking a total further past it, a void still releases.
    @Test func booksFromBeforeTheLimitCanStillBeVoidedButNotPostedFurtherPastIt() {
        let a = Self.account(Totals(debitsPosted: Int64.max - 10, debitsPending: 10))
        let b = Self.account(Totals(creditsPending: 10))
        let held = Transfer(id: UUID(), kind: .pending, debitAccountId: a.id, creditAccountId: b.id, amount: 10, currency: "USD",
                            code: nil, metadata: .object([:]), createdAt: PostingEngineTests.now)
        var engine = PostingEngineTests.engine([a, b], transfers: [held])
        #expect(Self.refusal(engine.apply(.post(pendingId: held.id, amount: 10))) == "overflows_debits_posted")
        #expect(engine.apply(.void(pendingId: held.id)).transfer?.kind == .void)
        #expect(engine.books.accounts[a.id]?.totals == Totals(debitsPosted: Int64.max - 10))
        // Their balances are computed without trapping.
        let balance = Balance(Totals(debitsPosted: 0, creditsPosted: Int64.max, debitsPending: Int64.max), type: .asset)
        #expect(balance.balance == -Int128(Int64.max) && balance.available == -Int128(Int64.max))
        let credit = Balance(Totals(debitsPosted: Int64.max, creditsPosted: 0, debitsPending: Int64.max), type: .liability)
        #expect(credit.available == -2 * Int128(Int64.max))
    }

    @Test func aReversalIsCheckedLikeAnyTransfer() {
        let a = Self.account(), b = Self.account(Totals(debitsPosted: Self.limit - 5))
        var engine = PostingEngineTests.engine([a, b])
        let sale = TransferOrder(id: UUID(), debitAccountId: a.id, creditAccountId: b.id, amount: 50, currency: "USD")
        #expect(engine.apply(.transfer(sale)).transfer != nil)
        #expect(Self.refusal(engine.apply(Self.order(b, a, 6, reversalOf: sale.id))) == "overflows_debits_posted")
        #expect(engine.apply(Self.order(b, a, 5, reversalOf: sale.id)).transfer != nil)
    }

    /// Random commands of every kind with amounts up to the largest, between accounts that start
    /// anywhere below the limit: nothing traps, and no account's debits or credits, pending and
    /// posted together, ever pass the limit.
    @Test(arguments: 1...10) func randomLargeTransfersNeverPassTheLimit(seed: UInt64) {
        var random = SplitMix(seed: seed)
        func amount() -> Int64 { Int64(random.next() % UInt64(Self.max)) + 1 }
        let accounts = (0..<4).map { _ in
            Self.account(Totals(debitsPosted: amount() / 2, creditsPosted: amount() / 2))
        }
        var engine = PostingEngineTests.engine(accounts)
        var pendings: [UUID] = []
        var refusals: Set<String> = []
        for _ in 0..<400 {
            let command: LedgerCommand
            switch random.next() % 4 {
            case 0 where !pendings.isEmpty:
                command = .post(pendingId: pendings[Int(random.next() % UInt64(pendings.count))], amount: nil)
            case 1 where !pendings.isEmpty:
                command = .void(pendingId: pendings[Int(random.next() % UInt64(pendings.count))])
            default:
                let debit = Int(random.next() % 4)
                let credit = (debit + 1 + Int(random.next() % 3)) % 4
                let pending = random.next() % 3 == 0
                let order = TransferOrder(id: UUID(), debitAccountId: accounts[debit].id, creditAccountId: accounts[credit].id,
                                          amount: random.next() % 2 == 0 ? amount() : amount() / 1_000_000 + 1, currency: "USD",
                                          pending: pending)
                if pending { pendings.append(order.id) }
                command = .transfer(order)
            }
            if let slug = Self.refusal(engine.apply(command)) { refusals.insert(slug) }
            for account in engine.books.accounts.values {
                let t = account.totals
                #expect(Int128(t.debitsPosted) + Int128(t.debitsPending) <= Int128(Self.limit))
                #expect(Int128(t.creditsPosted) + Int128(t.creditsPending) <= Int128(Self.limit))
            }
        }
        #expect(refusals.contains { $0.hasPrefix("overflows_") })
    }
}
