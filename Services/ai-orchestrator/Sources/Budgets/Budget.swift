import Foundation
import Shared

/// Whose calls a budget covers.
enum BudgetScopeKind: String, Codable, Sendable, CaseIterable, PostgresTextDecodable {
    case user, course, organization
}

/// The period a spend limit applies to; each starts at 00:00 UTC (weeks on Monday, months on
/// the 1st), as PostgreSQL's `date_trunc` counts them.
enum BudgetPeriod: String, Codable, Sendable, CaseIterable, PostgresTextDecodable {
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

extension Budget {
    init(row: PostgresRow) throws {
        id = try row.decode("id")
        scopeKind = try row.decode("scope_kind")
        scopeId = try row.decode("scope_id")
        period = try row.decode("period")
        limitMicros = try row.decode("limit_micros")
        requestsPerMinute = try row.decode("requests_per_minute")
        tokensPerMinute = try row.decode("tokens_per_minute")
    }
}

/// What a budget spent and holds in reserve during its current period.
struct BudgetUsage: Codable, Sendable, Equatable {
    let periodStart: Date
    let periodEnd: Date
    let spentMicros: Int64
    let reservedMicros: Int64
    /// What is left for new calls: the limit less spent and reserved, never below 0; nil when
    /// the budget has no spend limit.
    let remainingMicros: Int64?
    let requests: Int64
    let tokens: Int64
}
