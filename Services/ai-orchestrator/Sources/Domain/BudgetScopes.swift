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
