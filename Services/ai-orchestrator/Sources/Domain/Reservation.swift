import Foundation
import Shared

/// What `BudgetKeeper.reserve` holds for one call until `settle`: the money reserved on each
/// spend budget, and the Redis windows its estimated tokens were counted in.
struct Reservation: Sendable {
    /// One budget's reserved estimate, in the period the call started in.
    struct Hold: Sendable, Equatable {
        let budgetId: UUID
        let windowStart: Date
    }

    let id: UUID
    let holds: [Hold]
    /// The token-per-minute counters the estimate was added to, corrected at settle.
    let tokenCounters: [String]
    let estimatedTokens: Int

    /// A reservation that holds nothing: no budget or limit covers the call.
    static func none(estimatedTokens: Int) -> Reservation {
        Reservation(id: UUIDv7.make(), holds: [], tokenCounters: [], estimatedTokens: estimatedTokens)
    }
}
