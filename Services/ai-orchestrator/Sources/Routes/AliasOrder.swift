import Foundation
import Shared

/// `POST /ai-orchestrator/aliases` (and the document a PATCH is merged into).
struct AliasOrder: Codable, Sendable {
    struct Target: Codable, Sendable {
        var deployment: String
        var weight: Int?
    }

    var name: String
    var strategy: String?
    var targets: [Target]
    var fallbacks: [String]?
    var description: String?

    init(_ alias: Alias) {
        name = alias.name
        strategy = alias.strategy.rawValue
        targets = alias.targets.map { Target(deployment: $0.deployment, weight: $0.weight) }
        fallbacks = alias.fallbacks
        description = alias.description
    }

    /// The alias this order describes. Whether its deployments exist is checked by the store.
    /// - Throws: a 422 naming every field at fault.
    func alias() throws -> Alias {
        var errors: [FieldError] = []
        func refuse(_ field: String, _ message: String) { errors.append(FieldError(field: field, message: message)) }
        if !CatalogRules.isSlug(name) { refuse("name", CatalogRules.slugHelp) }
        let strategy = RoutingStrategy(rawValue: strategy ?? RoutingStrategy.weighted.rawValue)
        if strategy == nil { refuse("strategy", "must be one of \(RoutingStrategy.allCases.map(\.rawValue).joined(separator: ", "))") }
        if targets.isEmpty || targets.count > 50 { refuse("targets", "must name 1 to 50 deployments") }
        var seen: Set<String> = []
        for (index, target) in targets.enumerated() {
            if target.deployment.isEmpty { refuse("targets[\(index)].deployment", "is required") }
            else if !seen.insert(target.deployment).inserted { refuse("targets[\(index)].deployment", "is listed twice") }
            if let weight = target.weight, !(1...1000).contains(weight) { refuse("targets[\(index)].weight", "must be from 1 to 1000") }
        }
        let fallbacks = fallbacks ?? []
        if fallbacks.count > 20 { refuse("fallbacks", "must name at most 20 deployments") }
        for (index, fallback) in fallbacks.enumerated() where fallbacks.firstIndex(of: fallback) != index {
            refuse("fallbacks[\(index)]", "is listed twice")
        }
        if let description, description.count > 500 { refuse("description", "must be at most 500 characters") }
        guard errors.isEmpty, let strategy else { throw Problem.invalid(errors) }
        return Alias(name: name, strategy: strategy, targets: targets.map { Alias.Target(deployment: $0.deployment, weight: $0.weight ?? 1) },
                     fallbacks: fallbacks, description: description)
    }
}
