import Shared

/// What an account represents in the books, which decides its normal side: assets and
/// expenses grow with debits; liabilities, equity and revenue grow with credits.
enum AccountType: String, Codable, Sendable, CaseIterable {
    case asset, liability, equity, revenue, expense

    /// The side on which the account's balance grows.
    var normalSide: Side {
        switch self {
        case .asset, .expense: .debit
        case .liability, .equity, .revenue: .credit
        }
    }

    enum Side: Sendable { case debit, credit }
}
