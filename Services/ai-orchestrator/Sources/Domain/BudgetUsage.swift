import Foundation

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
