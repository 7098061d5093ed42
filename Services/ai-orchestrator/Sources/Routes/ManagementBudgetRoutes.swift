import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// `POST /ai-orchestrator/budgets` (and the document a PATCH is merged into).
struct BudgetOrder: Codable, Sendable {
    var scopeKind: String
    var scopeId: UUID
    var period: String?
    var limitMicros: Int64?
    var requestsPerMinute: Int?
    var tokensPerMinute: Int?

    init(_ budget: Budget) {
        scopeKind = budget.scopeKind.rawValue
        scopeId = budget.scopeId
        period = budget.period.rawValue
        limitMicros = budget.limitMicros
        requestsPerMinute = budget.requestsPerMinute
        tokensPerMinute = budget.tokensPerMinute
    }

    /// The budget this order describes.
    /// - Throws: a 422 naming every field at fault.
    func budget(id: UUID) throws -> Budget {
        var errors: [FieldError] = []
        func refuse(_ field: String, _ message: String) { errors.append(FieldError(field: field, message: message)) }
        let kind = BudgetScopeKind(rawValue: scopeKind)
        if kind == nil { refuse("scopeKind", "must be one of \(BudgetScopeKind.allCases.map(\.rawValue).joined(separator: ", "))") }
        let period = BudgetPeriod(rawValue: period ?? BudgetPeriod.month.rawValue)
        if period == nil { refuse("period", "must be one of \(BudgetPeriod.allCases.map(\.rawValue).joined(separator: ", "))") }
        if limitMicros == nil && requestsPerMinute == nil && tokensPerMinute == nil {
            refuse("limitMicros", "set at least one of limitMicros, requestsPerMinute and tokensPerMinute")
        }
        if let limitMicros, !(0...1_000_000_000_000_000).contains(limitMicros) { refuse("limitMicros", "must be 0 or more micros") }
        if let requestsPerMinute, !(1...1_000_000).contains(requestsPerMinute) { refuse("requestsPerMinute", "must be from 1 to 1000000") }
        if let tokensPerMinute, !(1...1_000_000_000).contains(tokensPerMinute) { refuse("tokensPerMinute", "must be from 1 to 1000000000") }
        guard errors.isEmpty, let kind, let period else { throw Problem.invalid(errors) }
        return Budget(id: id, scopeKind: kind, scopeId: scopeId, period: period, limitMicros: limitMicros,
                      requestsPerMinute: requestsPerMinute, tokensPerMinute: tokensPerMinute)
    }
}

/// `/ai-orchestrator/budgets`: spend per period and rates per minute for users, courses and
/// organisations; each budget shows what it spent and holds in its current period.
extension ManagementRoutes {
    func addBudgetRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("budgets") { request, context in
            let order = try await request.decode(as: BudgetOrder.self, context: context)
            let budget = try await budgets.store.create(try order.budget(id: UUIDv7.make()))
            budgets.invalidate()
            return EditedResponse(status: .created, response: try await view(budget))
        }
        group.get("budgets") { request, _ in
            let page = try PageRequest(request, defaultLimit: 50, maxLimit: 200)
            let listed = try await budgets.store.list(scopeKind: try request.queryEnum("scopeKind", as: BudgetScopeKind.self),
                                                      scopeId: try request.queryUUID("scopeId"),
                                                      after: try page.decodeCursor(UUID.self), limit: page.limit)
            let usage = try await budgets.store.currentUsage(of: listed)
            return Page(items: listed.map { BudgetView($0, usage: usage[$0.id]) }, limit: page.limit) { $0.id }
        }
        group.get("budgets/:id") { _, context in
            try await view(try await budgets.store.require(try context.budgetId()))
        }
        group.patch("budgets/:id") { request, context in
            let current = try await budgets.store.require(try context.budgetId())
            let order = try ManagementPatch.apply(try await ManagementPatch.body(request, context: context), to: BudgetOrder(current),
                                                  fixed: ["scopeKind", "scopeId", "period"])
            let budget = try await budgets.store.update(try order.budget(id: current.id))
            budgets.invalidate()
            return try await view(budget)
        }
        group.delete("budgets/:id") { _, context in
            try await budgets.store.delete(try context.budgetId())
            budgets.invalidate()
            return HTTPResponse.Status.noContent
        }
    }

    private func view(_ budget: Budget) async throws -> BudgetView {
        BudgetView(budget, usage: try await budgets.store.currentUsage(of: [budget])[budget.id])
    }
}

extension AppRequestContext {
    /// The `{id}` path parameter as a budget id.
    fileprivate func budgetId() throws -> UUID {
        guard let id = UUID(uuidString: try parameters.require("id")) else { throw Problem.malformed("the budget id must be a UUID", field: "id") }
        return id
    }
}
