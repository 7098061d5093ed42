import Foundation

/// Whose calls a budget covers.
enum BudgetScopeKind: String, Codable, Sendable, CaseIterable {
    case user, course, organization
}

/// The period a spend limit applies to; each starts at 00:00 UTC (weeks on Monday, months on
/// the 1st), as PostgreSQL's `date_trunc` counts them.
enum BudgetPeriod: String, Codable, Sendable, CaseIterable {
    case day, week, month
}

/// A spend limit per period and request and token rates per minute, for one scope. A scope
/// without a budget is unlimited; a budget with no `limitMicros` limits only the rates.
struct Budget: Codable, Sendable, Equatable {
    let id: UUID
    let scopeKind: BudgetScopeKind
    let scopeId: UUID
    let period: BudgetPeriod
    /// The most that calls may cost in one period, in micros (10⁻⁶) of the catalog's currency.
    let limitMicros: Int64?
    let requestsPerMinute: Int?
    let tokensPerMinute: Int?
}
