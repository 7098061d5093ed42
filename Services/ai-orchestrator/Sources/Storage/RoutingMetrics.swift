import Metrics

/// The swift-metrics series of one provider, deployment and alias, made once and reused: the
/// factory's lookup by label and dimensions is not free on every call.
struct RoutingMetrics: Sendable {
    struct Labels: Hashable, Sendable {
        let provider: String
        let deployment: String
        let alias: String

        var dimensions: [(String, String)] { [("provider", provider), ("deployment", deployment), ("alias", alias)] }
    }

    let duration: Timer
    let timeToFirstToken: Timer
    let inputTokens: Counter
    let outputTokens: Counter
    let cost: Counter
    private(set) var outcomes: [String: Counter] = [:]
    private let labels: Labels

    init(_ labels: Labels) {
        self.labels = labels
        let dimensions = labels.dimensions
        duration = Timer(label: "ai_request_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
        timeToFirstToken = Timer(label: "ai_time_to_first_token_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
        inputTokens = Counter(label: "ai_tokens_total", dimensions: dimensions + [("direction", "input")])
        outputTokens = Counter(label: "ai_tokens_total", dimensions: dimensions + [("direction", "output")])
        cost = Counter(label: "ai_cost_micros_total", dimensions: dimensions)
    }

    /// `ai_requests_total{outcome}`, made on first use.
    mutating func requests(_ outcome: String) -> Counter {
        if let counter = outcomes[outcome] { return counter }
        let counter = Counter(label: "ai_requests_total", dimensions: labels.dimensions + [("outcome", outcome)])
        outcomes[outcome] = counter
        return counter
    }
}
