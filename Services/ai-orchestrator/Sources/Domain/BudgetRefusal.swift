import Foundation
import HTTPTypes
import Shared

/// Why a call was refused before it reached a model: a rate limit (retry after a while) or a
/// spent budget (retry in the next period). Both are 429s naming the scope.
enum BudgetRefusal: ProblemError, Equatable {
    /// The scope's requests or tokens per minute are used up; `retryAfterSeconds` is when its
    /// window ends.
    case rateLimited(scope: BudgetScopeKind, limit: RateLimitKind, perMinute: Int, retryAfterSeconds: Int)
    /// One request's estimated tokens are more than the scope allows in a minute: waiting does
    /// not help, a smaller request does.
    case exceedsTokenLimit(scope: BudgetScopeKind, perMinute: Int, estimatedTokens: Int)
    /// The scope's budget for the period cannot cover the call's estimated cost.
    case budgetExhausted(scope: BudgetScopeKind, period: BudgetPeriod, resetsAt: Date)

    enum RateLimitKind: String, Sendable {
        case requests = "requests_per_minute"
        case tokens = "tokens_per_minute"
    }

    var status: HTTPResponse.Status { .tooManyRequests }

    var code: String {
        switch self {
        case .rateLimited, .exceedsTokenLimit: "rate_limited"
        case .budgetExhausted: "budget_exhausted"
        }
    }

    var detail: String {
        switch self {
        case .rateLimited(let scope, let limit, let perMinute, let retryAfter):
            "the \(scope.rawValue) limit of \(perMinute) \(limit == .requests ? "requests" : "tokens") per minute is reached; retry in \(retryAfter) s"
        case .exceedsTokenLimit(let scope, let perMinute, let estimated):
            "this request's estimated \(estimated) tokens exceed the \(scope.rawValue) limit of \(perMinute) tokens per minute"
        case .budgetExhausted(let scope, let period, let resetsAt):
            "the \(scope.rawValue) budget for this \(period.rawValue) cannot cover this call; it renews at \(Timestamp.format(resetsAt))"
        }
    }

    var extensions: [String: JSONValue] {
        switch self {
        case .rateLimited(let scope, let limit, let perMinute, let retryAfter):
            ["scope": .string(scope.rawValue), "limit": .string(limit.rawValue), "perMinute": .number(Double(perMinute)),
             "retryAfter": .number(Double(retryAfter))]
        case .exceedsTokenLimit(let scope, let perMinute, let estimated):
            ["scope": .string(scope.rawValue), "limit": .string(RateLimitKind.tokens.rawValue), "perMinute": .number(Double(perMinute)),
             "estimatedTokens": .number(Double(estimated))]
        case .budgetExhausted(let scope, let period, let resetsAt):
            ["scope": .string(scope.rawValue), "period": .string(period.rawValue), "resetsAt": .string(Timestamp.format(resetsAt))]
        }
    }
}
