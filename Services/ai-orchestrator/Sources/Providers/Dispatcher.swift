import Foundation
import HTTPTypes
import Logging
import Shared

/// Sends a routed call: tries the plan's candidates in order, each behind its circuit breaker;
/// retries a rate-limited deployment when it asks for a short wait (honouring `Retry-After`) and
/// a failing one once after a backoff; falls back to the next on errors, timeouts and
/// context-window overflow; and records every attempt with the monitor.
///
/// A request the upstream refuses as malformed (400, 413, 422) is the client's to fix: it is
/// answered at once, not retried elsewhere. An upstream refusing our credentials (401, 403) or
/// the model (404) is a deployment failure like an outage.
struct Dispatcher: Sendable {
    let adapters: ProviderAdapters
    let breakers: DeploymentBreakers
    let stats: LiveStats
    let monitor: RoutingMonitor
    let keys: ProviderKeys
    /// Tries per deployment, the first included; its `maxDelay` is also the longest `Retry-After`
    /// waited for on the same deployment (longer ones move on).
    let retry: RetryPolicy
    let logger: Logger

    /// Who is calling and under which name, for the records.
    struct CallContext: Sendable {
        let requestId: String
        let userId: UUID?
    }

    /// What was served and by whom.
    struct Served<Value: Sendable>: Sendable {
        let value: Value
        let candidate: Candidate
    }

    func chat(_ request: ChatRequest, plan: RoutePlan, context: CallContext) async throws -> Served<ChatOutcome> {
        try await answer(plan, context, usage: \.usage) { adapter, candidate, key in
            try await adapter.chat(ChatCall(deployment: candidate.deployment, provider: candidate.provider, apiKey: key, request: request))
        }
    }

    func embed(_ request: EmbeddingRequest, plan: RoutePlan, context: CallContext) async throws -> Served<EmbeddingOutcome> {
        try await answer(plan, context, usage: \.usage) { adapter, candidate, key in
            try await adapter.embed(EmbeddingCall(deployment: candidate.deployment, provider: candidate.provider, apiKey: key, request: request))
        }
    }

    /// A streaming call. The first part is awaited before the stream is handed back, so that a
    /// deployment failing before it says anything is still replaced by the next; once a part has
    /// reached the client, a failure ends the stream.
    func stream(_ request: ChatRequest, plan: RoutePlan, context: CallContext) async throws -> Served<RelayedStream> {
        try await firstSuccess(plan, context, stream: true) { candidate, key in
            let started = ContinuousClock.now
            let upstream = try await adapters.adapter(for: candidate.provider.kind)
                .streamChat(ChatCall(deployment: candidate.deployment, provider: candidate.provider, apiKey: key, request: request))
            var iterator = upstream.makeAsyncIterator()
            guard let first = try await iterator.next() else {
                throw ProviderError.malformedResponse(message: "the stream ended before any chunk")
            }
            let firstToken = ContinuousClock.now - started
            stats.recordLatency(candidate.deployment.name, firstToken)
            stats.begin(candidate.deployment.name)
            return RelayedStream(state: .init(first: first, upstream: iterator) { outcome, usage in
                stats.end(candidate.deployment.name)
                await record(context, plan, candidate, stream: true, outcome: outcome, latency: ContinuousClock.now - started,
                             firstToken: firstToken, usage: usage)
            })
        }
    }

    /// A call answered whole: the first candidate that answers, its latency learnt and the call recorded.
    private func answer<Value: Sendable>(
        _ plan: RoutePlan, _ context: CallContext, usage: (Value) -> TokenUsage,
        _ send: (any ModelProvider, Candidate, String?) async throws -> Value
    ) async throws -> Served<Value> {
        try await firstSuccess(plan, context, stream: false) { candidate, key in
            let started = ContinuousClock.now
            let value = try await send(adapters.adapter(for: candidate.provider.kind), candidate, key)
            let latency = ContinuousClock.now - started
            stats.recordLatency(candidate.deployment.name, latency)
            await record(context, plan, candidate, stream: false, outcome: "ok", latency: latency, firstToken: nil, usage: usage(value))
            return value
        }
    }

    /// Tries the candidates in order until one succeeds.
    private func firstSuccess<Value: Sendable>(
        _ plan: RoutePlan, _ context: CallContext, stream: Bool,
        _ call: (Candidate, String?) async throws -> Value
    ) async throws -> Served<Value> {
        var failures: [(deployment: String, error: ProviderError)] = []
        for candidate in plan.candidates {
            let name = candidate.deployment.name
            let breaker = breakers.breaker(name)
            var attempt = 1
            attempts: while true {
                guard breaker.allowsCall() else {
                    failures.append((name, .unavailable(status: nil, message: "circuit breaker open")))
                    break attempts
                }
                let key = keys.key(for: candidate.provider)
                let started = ContinuousClock.now
                stats.begin(name)
                do {
                    let value = try await call(candidate, key)
                    stats.end(name)
                    breaker.recordSuccess()
                    return Served(value: value, candidate: candidate)
                } catch let error as ProviderError {
                    stats.end(name)
                    failures.append((name, error))
                    await record(context, plan, candidate, stream: stream, outcome: error.kind,
                                 latency: ContinuousClock.now - started, firstToken: nil, usage: .zero)
                    logger.warning("upstream call failed", metadata: ["deployment": "\(name)", "attempt": "\(attempt)", "error": "\(error)"])
                    switch error {
                    case .rejected(let status, let message) where ![401, 403, 404].contains(status):
                        // The upstream is healthy; the request is at fault.
                        breaker.recordSuccess()
                        throw Problem(.badRequest, code: "upstream_rejected", detail: "\(name) refused the request: \(message)")
                    case .rateLimited(let retryAfter, _):
                        // Busy, not broken: the breaker learns nothing.
                        breaker.recordInconclusive()
                        let wait = retryAfter ?? retry.delay(afterAttempt: attempt)
                        guard attempt < retry.maxAttempts, wait <= retry.maxDelay else { break attempts }
                        try await Task.sleep(for: wait)
                    case .unavailable, .malformedResponse, .rejected:
                        breaker.recordFailure()
                        guard attempt < retry.maxAttempts else { break attempts }
                        try await Task.sleep(for: retry.delay(afterAttempt: attempt))
                    case .timeout:
                        // Waiting as long again on the same deployment is worse than moving on.
                        breaker.recordFailure()
                        break attempts
                    case .contextOverflow:
                        breaker.recordInconclusive()
                        break attempts
                    }
                    attempt += 1
                } catch {
                    // Cancelled (the client went away) or a failure of our own: nothing learnt.
                    stats.end(name)
                    breaker.recordInconclusive()
                    throw error
                }
            }
        }
        throw Self.exhausted(plan, failures)
    }

    /// The answer when every candidate failed: 429 with the shortest wait when all were rate
    /// limited, 400 when the prompt overflowed every window, 503 otherwise; each attempt named.
    private static func exhausted(_ plan: RoutePlan, _ failures: [(deployment: String, error: ProviderError)]) -> Problem {
        let attempts = failures.map { "\($0.deployment): \($0.error)" }.joined(separator: "; ")
        let extensions: [String: JSONValue] = ["attempts": .array(failures.map {
            ["deployment": .string($0.deployment), "error": .string($0.error.kind)]
        })]
        if !failures.isEmpty, failures.allSatisfy({ if case .rateLimited = $0.error { true } else { false } }) {
            let waits = failures.compactMap { if case .rateLimited(let wait?, _) = $0.error { wait } else { nil } }
            var problem = Problem(.tooManyRequests, code: "upstream_rate_limited",
                                  detail: "every deployment is rate limited: \(attempts)", extensions: extensions)
            let seconds = waits.min().map { Int(($0.components.seconds) + ($0.components.attoseconds > 0 ? 1 : 0)) } ?? 1
            problem.extensions["retryAfter"] = .number(Double(max(1, seconds)))
            return problem
        }
        if !failures.isEmpty, failures.allSatisfy({ if case .contextOverflow = $0.error { true } else { false } }) {
            return Problem(.badRequest, code: "context_length_exceeded", detail: "the request is too long for every deployment: \(attempts)",
                           fieldErrors: [FieldError(field: "messages", message: "exceed every deployment's context window")],
                           extensions: extensions)
        }
        return Problem(.serviceUnavailable, code: "all_deployments_failed",
                       detail: "no deployment of \(plan.alias?.name ?? plan.candidates.first?.deployment.name ?? "the model") answered: \(attempts)",
                       extensions: extensions)
    }

    private func record(
        _ context: CallContext, _ plan: RoutePlan, _ candidate: Candidate, stream: Bool, outcome: String, latency: Duration,
        firstToken: Duration?, usage: TokenUsage
    ) async {
        await monitor.record(CallRecord(
            requestId: context.requestId, userId: context.userId, alias: plan.alias?.name, deployment: candidate.deployment.name,
            provider: candidate.provider.name, stream: stream, outcome: outcome, latency: latency, timeToFirstToken: firstToken,
            usage: usage, costMicros: candidate.deployment.costMicros(usage), at: Date()))
    }
}
