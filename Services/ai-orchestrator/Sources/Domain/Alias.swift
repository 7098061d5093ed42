import Foundation

/// How an alias picks among its deployments.
enum RoutingStrategy: String, Codable, Sendable, CaseIterable {
    /// At random, in proportion to the targets' weights.
    case weighted
    /// The target with the fewest calls in flight from this process.
    case leastBusy = "least_busy"
    /// The lowest moving average of latency (time to first token for streams).
    case lowestLatency = "lowest_latency"
    /// The cheapest for the request's estimated tokens.
    case lowestCost = "lowest_cost"
    /// The query is classified (task class, complexity) and routed to the smallest tier that
    /// suits it; weighted within the tier.
    case classified
}

/// A name clients use as `model` (`tutor-default`), mapped to weighted deployments, with
/// fallbacks tried in order when every target fails.
struct Alias: Codable, Sendable, Equatable {
    struct Target: Codable, Sendable, Equatable {
        /// A deployment's name.
        let deployment: String
        let weight: Int
    }

    let name: String
    let strategy: RoutingStrategy
    let targets: [Target]
    /// Deployment names tried, in order, after the targets.
    let fallbacks: [String]
    let description: String?
}
