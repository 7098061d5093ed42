import Foundation
import Shared

/// The scopes a call is charged to: the calling user, the course it is made for, and the
/// caller's organisation, each when known. Every budget of every scope given must allow it.
struct BudgetScopes: Sendable, Equatable {
    let userId: UUID?
    let courseId: UUID?
    let organizationId: UUID?

    /// The scopes that are present, in a fixed order (user, course, organisation).
    var present: [BudgetScope] {
        [userId.map { BudgetScope(kind: .user, id: $0) },
         courseId.map { BudgetScope(kind: .course, id: $0) },
         organizationId.map { BudgetScope(kind: .organization, id: $0) }].compactMap { $0 }
    }
}

/// One scope: a kind and an id.
struct BudgetScope: Hashable, Sendable, CustomStringConvertible {
    let kind: BudgetScopeKind
    let id: UUID

    var description: String { "\(kind.rawValue):\(id.lowercasedText)" }
}

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
