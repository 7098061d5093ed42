import Foundation
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
