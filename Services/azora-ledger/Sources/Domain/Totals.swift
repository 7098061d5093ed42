/// An account's four running totals in minor units, or (in an entry) the signed change a
/// transfer made to them.
struct Totals: Codable, Sendable, Equatable {
    var debitsPosted: Int64 = 0
    var creditsPosted: Int64 = 0
    var debitsPending: Int64 = 0
    var creditsPending: Int64 = 0

    static let zero = Totals()

    /// The totals with a change applied, or `nil` when a total would leave 0...Int64.max.
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

/// An account's balance as the API shows it: the four totals, the posted balance on the
/// account's normal side, and what is available once pending transfers against it settle.
struct Balance: Codable, Sendable, Equatable {
    let debitsPosted: Int64
    let creditsPosted: Int64
    let debitsPending: Int64
    let creditsPending: Int64
    /// Posted credits minus debits for a credit-normal account, debits minus credits otherwise.
    let balance: Int64
    /// The balance less what pending transfers would take away from it.
    let available: Int64

    init(_ totals: Totals, type: AccountType) {
        debitsPosted = totals.debitsPosted
        creditsPosted = totals.creditsPosted
        debitsPending = totals.debitsPending
        creditsPending = totals.creditsPending
        switch type.normalSide {
        case .debit:
            balance = totals.debitsPosted - totals.creditsPosted
            available = balance - totals.creditsPending
        case .credit:
            balance = totals.creditsPosted - totals.debitsPosted
            available = balance - totals.debitsPending
        }
    }
}
