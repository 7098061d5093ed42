import Foundation
import HTTPTypes
import Shared

/// Budgets as administrators manage them, and what each has spent in its current period.
struct BudgetStore: Sendable {
    let database: Database

    private static let columns: SQL = "id, scope_kind, scope_id, period, limit_micros, requests_per_minute, tokens_per_minute"

    /// The budgets of these scopes (for the keeper's limits).
    func budgets(of scopes: [BudgetScope]) async throws -> [Budget] {
        guard !scopes.isEmpty else { return [] }
        return try await database.query("""
            SELECT \(Self.columns) FROM budgets
            WHERE (scope_kind, scope_id) IN (SELECT * FROM unnest(\(scopes.map(\.kind.rawValue))::text[], \(scopes.map(\.id))::uuid[]))
            """).map(Budget.init(row:))
    }

    /// Adds a budget.
    /// - Throws: 409 `budget_exists` when the scope already has a budget for the period.
    func create(_ budget: Budget) async throws -> Budget {
        let inserted = try await database.execute("""
            INSERT INTO budgets (id, scope_kind, scope_id, period, limit_micros, requests_per_minute, tokens_per_minute)
            VALUES (\(budget.id), \(budget.scopeKind.rawValue), \(budget.scopeId), \(budget.period.rawValue), \(budget.limitMicros),
                    \(budget.requestsPerMinute), \(budget.tokensPerMinute))
            ON CONFLICT (scope_kind, scope_id, period) DO NOTHING
            """)
        guard inserted == 1 else {
            throw Problem(.conflict, code: "budget_exists",
                          detail: "the \(budget.scopeKind.rawValue) \(budget.scopeId.lowercasedText) already has a \(budget.period.rawValue) budget",
                          fieldErrors: [FieldError(field: "period", message: "this scope already has a budget for this period")])
        }
        return budget
    }

    func find(_ id: UUID) async throws -> Budget? {
        try await database.queryFirst("SELECT \(Self.columns) FROM budgets WHERE id = \(id)").map(Budget.init(row:))
    }

    func require(_ id: UUID) async throws -> Budget {
        guard let budget = try await find(id) else { throw Problem.notFound("budget", id: id.lowercasedText) }
        return budget
    }

    /// Budgets in id order (UUIDv7: by the millisecond they were made), optionally of one scope.
    func list(scopeKind: BudgetScopeKind?, scopeId: UUID?, after: UUID?, limit: Int) async throws -> [Budget] {
        var filters: [SQL] = ["true"]
        if let scopeKind { filters.append("scope_kind = \(scopeKind.rawValue)") }
        if let scopeId { filters.append("scope_id = \(scopeId)") }
        if let after { filters.append("id > \(after)") }
        return try await database.query("""
            SELECT \(Self.columns) FROM budgets WHERE \(SQL(joining: filters, separator: " AND ")) ORDER BY id LIMIT \(limit + 1)
            """).map(Budget.init(row:))
    }

    /// Changes a budget's limits; its scope and period stay.
    func update(_ budget: Budget) async throws -> Budget {
        guard let row = try await database.queryFirst("""
            UPDATE budgets SET limit_micros = \(budget.limitMicros), requests_per_minute = \(budget.requestsPerMinute),
                tokens_per_minute = \(budget.tokensPerMinute), updated_at = now()
            WHERE id = \(budget.id) RETURNING \(Self.columns)
            """) else { throw Problem.notFound("budget", id: budget.id.lowercasedText) }
        return try Budget(row: row)
    }

    /// Deletes a budget with its usage and holds; calls holding money on it settle without it.
    func delete(_ id: UUID) async throws {
        guard try await database.execute("DELETE FROM budgets WHERE id = \(id)") == 1 else {
            throw Problem.notFound("budget", id: id.lowercasedText)
        }
    }

    /// The budgets' usage in their current periods (zero when nothing was spent yet).
    func currentUsage(of budgets: [Budget]) async throws -> [UUID: BudgetUsage] {
        guard !budgets.isEmpty else { return [:] }
        let rows = try await database.query("""
            SELECT b.id, b.limit_micros, date_trunc(b.period, now()) AS period_start,
                   date_trunc(b.period, now()) + ('1 ' || b.period)::interval AS period_end,
                   coalesce(u.spent_micros, 0) AS spent_micros, coalesce(u.reserved_micros, 0) AS reserved_micros,
                   coalesce(u.requests, 0) AS requests, coalesce(u.tokens, 0) AS tokens
            FROM budgets b
            LEFT JOIN budget_usage u ON u.budget_id = b.id AND u.window_start = date_trunc(b.period, now())
            WHERE b.id = ANY(\(budgets.map(\.id))::uuid[])
            """)
        var usage: [UUID: BudgetUsage] = [:]
        for row in rows {
            let spent: Int64 = try row.decode("spent_micros")
            let reserved: Int64 = try row.decode("reserved_micros")
            let limit: Int64? = try row.decode("limit_micros")
            usage[try row.decode("id")] = BudgetUsage(
                periodStart: try row.decode("period_start"), periodEnd: try row.decode("period_end"),
                spentMicros: spent, reservedMicros: reserved, remainingMicros: limit.map { max(0, $0 - spent - reserved) },
                requests: try row.decode("requests"), tokens: try row.decode("tokens"))
        }
        return usage
    }
}
