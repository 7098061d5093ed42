import Foundation

/// The JSON shapes of the reports. Amounts are minor units of each line's currency; nothing is
/// summed across currencies.
///
/// Amounts are `Int128`, summed without trapping whatever the books hold, and written as exact
/// JSON integers of any length. One account's figures stay within ±(2^53 − 1)
/// (`Totals.limit`), but a total over many accounts or transfers passes 2^53 − 1 once a
/// currency's books do: a client that reads JSON numbers as doubles (JavaScript's `JSON.parse`)
/// must read these as big integers, or ask for `format=csv` (see the README).

/// One account in the trial balance: its net posted balance in the debit or the credit column.
struct TrialBalanceRow: Encodable, Sendable {
    let accountId: UUID
    let code: String?
    let type: AccountType
    let ownerRef: String?
    let currency: String
    let debitBalance: Int128
    let creditBalance: Int128

    init(line: Reports.AccountLine) {
        accountId = line.accountId
        code = line.code
        type = line.type
        ownerRef = line.ownerRef
        currency = line.currency
        debitBalance = max(line.debits - line.credits, 0)
        creditBalance = max(line.credits - line.debits, 0)
    }
}

/// The column totals of one currency, equal when the books balance.
struct SideTotals: Encodable, Sendable {
    let currency: String
    let debits: Int128
    let credits: Int128
    var balanced: Bool { debits == credits }

    /// The sums of the rows' two columns (rows of one currency).
    init(currency: String, rows: [TrialBalanceRow]) {
        self.currency = currency
        debits = rows.reduce(0) { $0 + $1.debitBalance }
        credits = rows.reduce(0) { $0 + $1.creditBalance }
    }

    enum CodingKeys: String, CodingKey { case currency, debits, credits, balanced }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(currency, forKey: .currency)
        try container.encode(debits, forKey: .debits)
        try container.encode(credits, forKey: .credits)
        try container.encode(balanced, forKey: .balanced)
    }
}

struct TrialBalance: Encodable, Sendable {
    let asOf: Date?
    let lines: [TrialBalanceRow]
    let totals: [SideTotals]
}

/// Assets = liabilities + equity + the earnings (revenue − expenses) not yet closed into equity.
struct BalanceSheet: Encodable, Sendable {
    let asOf: Date?
    let currencies: [Section]

    struct Section: Encodable, Sendable {
        let currency: String
        let assets: [Reports.AccountLine]
        let liabilities: [Reports.AccountLine]
        let equity: [Reports.AccountLine]
        let totalAssets: Int128
        let totalLiabilities: Int128
        let totalEquity: Int128
        let currentEarnings: Int128
        let balanced: Bool

        init(currency: String, lines: [Reports.AccountLine]) {
            func of(_ type: AccountType) -> [Reports.AccountLine] { lines.filter { $0.type == type } }
            func sum(_ type: AccountType) -> Int128 { of(type).reduce(0) { $0 + $1.balance } }
            self.currency = currency
            assets = of(.asset)
            liabilities = of(.liability)
            equity = of(.equity)
            totalAssets = sum(.asset)
            totalLiabilities = sum(.liability)
            totalEquity = sum(.equity)
            currentEarnings = sum(.revenue) - sum(.expense)
            balanced = totalAssets == totalLiabilities + totalEquity + currentEarnings
        }
    }
}

/// Revenue and expenses posted within a period, and the net income.
struct IncomeStatement: Encodable, Sendable {
    let from: Date
    let to: Date
    let currencies: [Section]

    struct Section: Encodable, Sendable {
        let currency: String
        let revenue: [Reports.AccountLine]
        let expenses: [Reports.AccountLine]
        let totalRevenue: Int128
        let totalExpenses: Int128
        let netIncome: Int128

        init(currency: String, lines: [Reports.AccountLine]) {
            self.currency = currency
            revenue = lines.filter { $0.type == .revenue }
            expenses = lines.filter { $0.type == .expense }
            totalRevenue = revenue.reduce(0) { $0 + $1.balance }
            totalExpenses = expenses.reduce(0) { $0 + $1.balance }
            netIncome = totalRevenue - totalExpenses
        }
    }
}

/// Lines of a report over a period.
struct PeriodLines<Line: Encodable & Sendable>: Encodable, Sendable {
    let from: Date
    let to: Date
    let lines: [Line]
}
