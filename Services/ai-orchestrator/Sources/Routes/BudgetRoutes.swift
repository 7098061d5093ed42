import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// `/ai-orchestrator/budgets`: spend per period and rates per minute for users, courses and
/// organisations; each budget shows what it spent and holds in its current period.
struct BudgetRoutes: Sendable {
    /// The keeper whose store the budgets are in; its cached rules are forgotten after every change.
    let budgets: BudgetKeeper

    func add(to group: RouterGroup<AppRequestContext>) {
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
            let order = try MergePatch.apply(try await MergePatch.body(request, context: context), to: BudgetOrder(current),
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
