/// An account's four running totals in minor units, or (in an entry) the signed change a
/// transfer made to them.
struct Totals: Codable, Sendable, Equatable {
    var debitsPosted: Int64 = 0
    var creditsPosted: Int64 = 0
    var debitsPending: Int64 = 0
    var creditsPending: Int64 = 0

    static let zero = Totals()

    /// The most an account's debits, or its credits, may reach, pending and posted together:
    /// 2^53 − 1, the largest amount of one transfer. Every figure the API shows for an account
    /// (its totals, balance and available balance) then stays within ±(2^53 − 1), which every
    /// JSON client, JavaScript's included, reads exactly. Transfers that would pass it are
    /// refused with TigerBeetle's `overflows_…` slugs (`Transfer.overflow(debit:credit:)`).
    static let limit: Int64 = TransferOrder.maxAmount

    /// The totals with a change applied, or `nil` when a total would leave 0...Int64.max, the
    /// range its column holds. `Transfer.overflow(debit:credit:)` keeps every total the ledger
    /// writes far inside it, so only books changed behind the ledger's back get `nil`.
    func applying(_ change: Totals) -> Totals? {
        func add(_ total: Int64, _ delta: Int64) -> Int64? {
            let (sum, overflow) = total.addingReportingOverflow(delta)
            return overflow || sum < 0 ? nil : sum
        }
        guard let debitsPosted = add(debitsPosted, change.debitsPosted),
            let creditsPosted = add(creditsPosted, change.creditsPosted),
            let debitsPending = add(debitsPending, change.debitsPending),
            let creditsPending = add(creditsPending, change.creditsPending)
        else { return nil }
        return Totals(debitsPosted: debitsPosted, creditsPosted: creditsPosted,
                      debitsPending: debitsPending, creditsPending: creditsPending)
    }
}

/// A total of an account that a transfer may overflow, in TigerBeetle's order of precedence:
/// when several would overflow, the refusal names the first.
enum AccountTotal: CaseIterable, Sendable, Equatable {
    case debitsPending, creditsPending, debitsPosted, creditsPosted
    /// Debits pending and posted together.
    case debits
    /// Credits pending and posted together.
    case credits

    /// The refusal's slug, TigerBeetle's result name: `overflows_debits_pending`, …
    var slug: String {
        switch self {
        case .debitsPending: "overflows_debits_pending"
        case .creditsPending: "overflows_credits_pending"
        case .debitsPosted: "overflows_debits_posted"
        case .creditsPosted: "overflows_credits_posted"
        case .debits: "overflows_debits"
        case .credits: "overflows_credits"
        }
    }

    /// Whether it is a total of the transfer's debit account (else of its credit account).
    var isDebit: Bool { [.debitsPending, .debitsPosted, .debits].contains(self) }

    var words: String {
        switch self {
        case .debitsPending: "pending debits"
        case .creditsPending: "pending credits"
        case .debitsPosted: "posted debits"
        case .creditsPosted: "posted credits"
        case .debits: "pending and posted debits"
        case .credits: "pending and posted credits"
        }
    }
}

/// An account's balance as the API shows it: the four totals, the posted balance on the
/// account's normal side, and what is available once pending transfers against it settle.
struct Balance: Codable, Sendable, Equatable {
    let debitsPosted: Int64
    let creditsPosted: Int64
    let debitsPending: Int64
    let creditsPending: Int64
    /// Posted credits minus debits for a credit-normal account, debits minus credits otherwise.
    /// Within ±(2^53 − 1) for books kept under `Totals.limit`; 128-bit so that no books can trap it.
    let balance: Int128
    /// The balance less what pending transfers would take away from it.
    let available: Int128

    init(_ totals: Totals, type: AccountType) {
        debitsPosted = totals.debitsPosted
        creditsPosted = totals.creditsPosted
        debitsPending = totals.debitsPending
        creditsPending = totals.creditsPending
        switch type.normalSide {
        case .debit:
            balance = Int128(totals.debitsPosted) - Int128(totals.creditsPosted)
            available = balance - Int128(totals.creditsPending)
        case .credit:
            balance = Int128(totals.creditsPosted) - Int128(totals.debitsPosted)
            available = balance - Int128(totals.debitsPending)
        }
    }
}
