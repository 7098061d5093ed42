import Foundation
import Hummingbird

/// A budget with what it has spent and holds in its current period.
struct BudgetView: Encodable, Sendable, ResponseEncodable {
    let budget: Budget
    let currentPeriod: BudgetUsage?
    var id: UUID { budget.id }

    init(_ budget: Budget, usage: BudgetUsage?) {
        self.budget = budget
        currentPeriod = usage
    }

    private enum Added: String, CodingKey { case currentPeriod }

    func encode(to encoder: any Encoder) throws {
        try budget.encode(to: encoder)
        var added = encoder.container(keyedBy: Added.self)
        try added.encodeIfPresent(currentPeriod, forKey: .currentPeriod)
    }
}
