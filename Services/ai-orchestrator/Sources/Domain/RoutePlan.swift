import Foundation
import HTTPTypes
import Shared

/// Where a call may go, in the order to try, resolved from the `model` the client named: an
/// alias's targets ordered by its strategy, then its fallbacks; or one deployment named directly.
struct RoutePlan: Sendable {
    let alias: Alias?
    let candidates: [Candidate]
    /// The query's classification, for the `classified` strategy (chat only; embeddings are
    /// not classified and go to the medium tier first).
    let classification: Classification?

    /// What the call needs of a deployment.
    struct Needs: Sendable {
        var capabilities: [Capability]
        /// Prompt tokens (estimated) plus the output asked for, which must fit the context window.
        var tokens: Int
    }

    /// Resolves a model name against the catalog.
    /// - Throws: 404 `model_not_found` for a name that is neither an alias nor a deployment; 400
    ///   `context_length_exceeded` when no deployment's window holds the request; 400
    ///   `model_not_capable` when none can do what it asks (embeddings, tools, streaming).
    static func resolve(
        _ model: String, needs: Needs, snapshot: CatalogSnapshot, stats: LiveStats, estimate: CostEstimate,
        classify: (() -> Classification)? = nil
    ) throws -> RoutePlan {
        // Deployments left out, with the reason, for the refusal when none is left.
        var skipped: [(String, String)] = []
        func usable(_ name: String, weight: Int) -> Candidate? {
            guard let deployment = snapshot.deployments[name], let provider = snapshot.providers[deployment.providerId] else {
                skipped.append((name, "not in the catalog"))
                return nil
            }
            guard deployment.enabled, provider.enabled else { skipped.append((name, "disabled")); return nil }
            if let missing = needs.capabilities.first(where: { !deployment.can($0) }) {
                skipped.append((name, "cannot do \(missing.rawValue)"))
                return nil
            }
            guard needs.tokens <= deployment.contextWindow else {
                skipped.append((name, "context window of \(deployment.contextWindow) tokens is too small for about \(needs.tokens)"))
                return nil
            }
            return Candidate(deployment: deployment, provider: provider, weight: weight)
        }

        let alias = snapshot.aliases[model]
        var classification: Classification?
        var ordered: [Candidate]
        if let alias {
            let targets = alias.targets.compactMap { usable($0.deployment, weight: $0.weight) }
            if alias.strategy == .classified { classification = classify?() }
            var generator = SystemRandomNumberGenerator()
            ordered = CandidateOrder.order(targets, strategy: alias.strategy, stats: stats, estimate: estimate,
                                           tier: classification?.tier, using: &generator)
            for name in alias.fallbacks where !ordered.contains(where: { $0.deployment.name == name }) {
                if let fallback = usable(name, weight: 1) { ordered.append(fallback) }
            }
        } else if snapshot.deployments[model] != nil {
            ordered = usable(model, weight: 1).map { [$0] } ?? []
        } else {
            throw Problem(.notFound, code: "model_not_found",
                          detail: "the model \(model) does not exist: GET /v1/models lists the aliases and deployments",
                          fieldErrors: [FieldError(field: "model", message: "is not an alias or a deployment")])
        }
        guard !ordered.isEmpty else {
            let tooSmall = skipped.contains { $0.1.hasPrefix("context window") }
            throw Problem(.badRequest, code: tooSmall ? "context_length_exceeded" : "model_not_capable",
                          detail: "no deployment of \(model) can take this request: "
                              + skipped.map { "\($0.0) (\($0.1))" }.joined(separator: "; "),
                          fieldErrors: [FieldError(field: tooSmall ? "messages" : "model", message: tooSmall
                              ? "the request is longer than every deployment's context window" : "cannot serve this request")])
        }
        return RoutePlan(alias: alias, candidates: ordered, classification: classification)
    }
}
