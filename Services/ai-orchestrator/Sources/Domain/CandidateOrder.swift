import Foundation

/// The order in which an alias's targets are tried, by its strategy. Whatever the strategy,
/// every usable target is in the list, so a failure falls through to the others.
enum CandidateOrder {
    static func order(
        _ targets: [Candidate], strategy: RoutingStrategy, stats: LiveStats, estimate: CostEstimate, tier: Tier?,
        using generator: inout some RandomNumberGenerator
    ) -> [Candidate] {
        // A weighted random order first: it breaks every tie below in proportion to the weights.
        let shuffled = weightedShuffle(targets, using: &generator)
        switch strategy {
        case .weighted:
            return shuffled
        case .leastBusy:
            return shuffled.stableSorted { stats.inFlight($0.deployment.name) < stats.inFlight($1.deployment.name) }
        case .lowestLatency:
            // A deployment never measured goes first, so that it gets measured.
            return shuffled.stableSorted { (stats.latency($0.deployment.name) ?? 0) < (stats.latency($1.deployment.name) ?? 0) }
        case .lowestCost:
            return shuffled.stableSorted { $0.deployment.costMicros(estimate.usage) < $1.deployment.costMicros(estimate.usage) }
        case .classified:
            // The smallest tier that suits the query, then larger ones, then smaller ones as a
            // last resort.
            let wanted = tier ?? .medium
            func rank(_ candidate: Candidate) -> Int {
                let tier = candidate.deployment.tier
                let index = Tier.allCases.firstIndex(of: tier)!, wantedIndex = Tier.allCases.firstIndex(of: wanted)!
                return tier >= wanted ? index - wantedIndex : Tier.allCases.count + (wantedIndex - index)
            }
            return shuffled.stableSorted { rank($0) < rank($1) }
        }
    }

    /// Efraimidis–Spirakis: each target's key is u^(1/weight); descending keys are a random order
    /// in which heavier targets come first proportionally more often.
    static func weightedShuffle(_ targets: [Candidate], using generator: inout some RandomNumberGenerator) -> [Candidate] {
        targets.map { candidate -> (Double, Candidate) in
            let u = Double.random(in: Double.ulpOfOne..<1, using: &generator)
            return (pow(u, 1 / Double(max(1, candidate.weight))), candidate)
        }
        .sorted { $0.0 > $1.0 }
        .map(\.1)
    }
}
