import Foundation
import HTTPTypes
import Shared

/// A rate limit: at most `limit` requests per `windowSeconds` for one caller (a signed-in user,
/// else a client IP) on the routes it covers. In shadow mode it counts and logs what it would
/// refuse, but refuses nothing, so a new policy can be tried on real traffic first.
struct RateLimitPolicy: Sendable {
    let name: String
    let limit: Int
    let windowSeconds: Int
    let routes: [RequestMatcher]
    let shadow: Bool

    /// The time one request uses up, in microseconds: the window shared out over the limit.
    let emissionIntervalMicroseconds: Int64
    let windowMicroseconds: Int64
    /// The two numbers as `RedisRateLimitStore.script` takes them, worked out once.
    let scriptArguments: [String]
    /// The `RateLimit-Policy` field of its answers, worked out once.
    let policyField: String

    init(name: String, limit: Int, windowSeconds: Int, routes: [RequestMatcher], shadow: Bool) {
        self.name = name
        self.limit = limit
        self.windowSeconds = windowSeconds
        self.routes = routes
        self.shadow = shadow
        emissionIntervalMicroseconds = Int64(windowSeconds) * 1_000_000 / Int64(limit)
        windowMicroseconds = Int64(windowSeconds) * 1_000_000
        scriptArguments = [String(emissionIntervalMicroseconds), String(windowMicroseconds)]
        policyField = "\"\(name)\";q=\(limit);w=\(windowSeconds)"
    }
}

/// The policies in force, from `RATE_LIMIT_POLICIES` (a JSON array) or the defaults. A request
/// falls under the policy whose route matches it most specifically.
struct RateLimitPolicies: Sendable {
    let policies: [RateLimitPolicy]

    /// The policy for a path given as its segments.
    func policy(method: HTTPRequest.Method, segments: [Substring]) -> RateLimitPolicy? {
        var best: (policy: RateLimitPolicy, specificity: (Int, Int, Int))?
        for policy in policies {
            for matcher in policy.routes where matcher.matches(method: method, segments: segments) {
                let specificity = (matcher.pattern.specificity.literals, matcher.pattern.specificity.length, matcher.method == nil ? 0 : 1)
                if let current = best, current.specificity >= specificity { continue }
                best = (policy, specificity)
            }
        }
        return best?.policy
    }

    /// Generous for everyday calls; strict where passwords and codes are guessed.
    static let defaults = RateLimitPolicies(policies: [
        RateLimitPolicy(name: "default", limit: 600, windowSeconds: 60, routes: [RequestMatcher("/**")!], shadow: false),
        RateLimitPolicy(
            name: "credentials", limit: 10, windowSeconds: 60,
            routes: ["POST /auth/login", "POST /auth/register", "POST /auth/mfa/verify", "POST /auth/forgot-password",
                     "POST /auth/reset-password", "POST /auth/verify-email", "POST /auth/token"].map { RequestMatcher($0)! },
            shadow: false),
    ])

    private struct Entry: Decodable {
        let name: String
        let limit: Int
        let windowSeconds: Int
        let routes: [String]
        let shadow: Bool?
    }

    /// Reads `RATE_LIMIT_POLICIES`, e.g.
    /// `[{"name":"default","limit":600,"windowSeconds":60,"routes":["/**"]},
    ///   {"name":"credentials","limit":10,"windowSeconds":60,"routes":["POST /auth/login"],"shadow":true}]`.
    /// - Throws: `SettingsError` naming what is wrong.
    static func read(from settings: Settings) throws(SettingsError) -> RateLimitPolicies {
        guard let text = settings.raw("RATE_LIMIT_POLICIES") else { return defaults }
        let expected = #"a JSON array of {"name", "limit" > 0, "windowSeconds" > 0, "routes": ["METHOD /path" or "/path"], "shadow"}"#
        guard let entries = try? JSONDecoder().decode([Entry].self, from: Data(text.utf8)), !entries.isEmpty else {
            throw .malformed("RATE_LIMIT_POLICIES", text, expected: expected)
        }
        var policies: [RateLimitPolicy] = []
        for entry in entries {
            let routes = entry.routes.compactMap(RequestMatcher.init)
            guard entry.limit > 0, entry.windowSeconds > 0, !routes.isEmpty, routes.count == entry.routes.count,
                  Int64(entry.windowSeconds) * 1_000_000 / Int64(entry.limit) > 0
            else {
                throw .malformed("RATE_LIMIT_POLICIES", entry.name, expected: expected)
            }
            policies.append(RateLimitPolicy(name: entry.name, limit: entry.limit, windowSeconds: entry.windowSeconds,
                                            routes: routes, shadow: entry.shadow ?? false))
        }
        return RateLimitPolicies(policies: policies)
    }
}
