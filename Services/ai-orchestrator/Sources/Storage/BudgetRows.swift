import Foundation
import Shared

extension BudgetScopeKind: PostgresTextDecodable {}
extension BudgetPeriod: PostgresTextDecodable {}

extension Budget {
    /// A row of `budgets`, as `BudgetStore` selects it.
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
