/// Which fleet member owns each public path. Patterns, not only prefixes: `/users/:id/skills`
/// belongs to marketplace-service although `/users/**` belongs to user-service; the most
/// specific matching pattern wins. Paths no pattern matches get 404 from the gateway itself,
/// so health, metrics and admin routes of the services never leak through.
struct RouteTable: Sendable {
    struct Route: Sendable {
        let pattern: RoutePattern
        let service: String
    }

    let routes: [Route]

    init(_ entries: [(String, String)]) {
        routes = entries.map { Route(pattern: RoutePattern($0.0), service: $0.1) }
    }

    /// The most specific route matching a path, given as its segments, or `nil`.
    func route(for segments: [Substring]) -> Route? {
        var best: Route?
        for route in routes where route.pattern.matches(segments) {
            if let current = best, current.pattern.specificity >= route.pattern.specificity { continue }
            best = route
        }
        return best
    }

    /// The fleet's public paths, from the endpoint lists of the requirement documents.
    static let fleet = RouteTable([
        ("/auth/**", "auth-service"),
        ("/.well-known/jwks.json", "auth-service"),
        ("/users/**", "user-service"),
        ("/courses/**", "course-service"),
        ("/courses/:id/waitlist/**", "enrollment-service"),
        ("/enrollments/**", "enrollment-service"),
        ("/certificates/**", "enrollment-service"),
        ("/.well-known/certificate-keys.json", "enrollment-service"),
        ("/payments/**", "payment-service"),
        ("/receipts/**", "payment-service"),
        ("/invoices/**", "payment-service"),
        ("/webhooks/stripe", "payment-service"),
        ("/subscriptions/**", "subscription-service"),
        ("/subscription-tiers/**", "subscription-service"),
        ("/wallets/**", "wallet-service"),
        ("/tokens/**", "token-service"),
        ("/instructors/:id/earnings/**", "instructor-earnings-service"),
        ("/instructors/:id/payout/**", "instructor-earnings-service"),
        ("/instructors/:id/payouts/**", "instructor-earnings-service"),
        ("/instructors/:id/reports/**", "instructor-earnings-service"),
        ("/chat/**", "ai-service"),
        ("/ai/**", "ai-service"),
        ("/jobs/**", "marketplace-service"),
        ("/skills/**", "marketplace-service"),
        ("/users/:id/skills/**", "marketplace-service"),
        ("/assessments/**", "assessment-service"),
        ("/notifications/**", "notification-service"),
        ("/analytics/**", "analytics-service"),
        ("/enterprise/**", "enterprise-service"),
        ("/compliance/**", "compliance-service"),
        ("/search/**", "search-service"),
        ("/ledger/**", "azora-ledger"),
        ("/pricing/**", "azora-pricing"),
        ("/v1/**", "ai-orchestrator"),
        ("/ai-orchestrator/**", "ai-orchestrator"),
    ])
}
