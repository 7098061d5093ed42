import Foundation
import Shared

/// ai-orchestrator's routing settings. Providers, deployments, aliases and budgets are data,
/// managed through the API; providers' keys are environment variables the catalog names.
struct RoutingSettings: Sendable {
    /// Tries per deployment before moving on, the first included (`AI_ATTEMPTS_PER_DEPLOYMENT`, default 2).
    let attemptsPerDeployment: Int
    /// The longest `Retry-After` waited for on the same deployment (`AI_LONGEST_RETRY_WAIT_SECONDS`, default 10).
    let longestRetryWait: Duration
    /// Failures in a row that open a deployment's breaker (`AI_BREAKER_FAILURES`, default 3).
    let breakerFailures: Int
    /// How long an open breaker refuses calls before a trial (`AI_BREAKER_OPEN_SECONDS`, default 30).
    let breakerOpen: Duration
    /// How often every deployment is probed (`AI_PROBE_SECONDS`, default 30; 0 turns probes off).
    let probeInterval: Duration?
    /// Completion tokens assumed for a request that sets no limit, when reserving budget
    /// (`AI_ASSUMED_COMPLETION_TOKENS`, default 512).
    let assumedCompletionTokens: Int
    /// How long a repeatable answer is served from the routing cache (`AI_CACHE_SECONDS`, default 3600).
    let cacheLifetime: Duration

    init(settings: Settings) throws {
        attemptsPerDeployment = try settings.int("AI_ATTEMPTS_PER_DEPLOYMENT", default: 2, in: 1...10)
        longestRetryWait = .seconds(try settings.int("AI_LONGEST_RETRY_WAIT_SECONDS", default: 10, in: 0...300))
        breakerFailures = try settings.int("AI_BREAKER_FAILURES", default: 3, in: 1...100)
        breakerOpen = .seconds(try settings.int("AI_BREAKER_OPEN_SECONDS", default: 30, in: 1...3600))
        let probeSeconds = try settings.int("AI_PROBE_SECONDS", default: 30, in: 0...86_400)
        probeInterval = probeSeconds == 0 ? nil : .seconds(probeSeconds)
        assumedCompletionTokens = try settings.int("AI_ASSUMED_COMPLETION_TOKENS", default: 512, in: 1...1_000_000)
        cacheLifetime = .seconds(try settings.int("AI_CACHE_SECONDS", default: 3600, in: 1...30 * 86_400))
    }
}
