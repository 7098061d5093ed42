import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Shared

/// The OpenAI-compatible API: `POST /v1/chat/completions` (streamed as server-sent events when
/// asked), `POST /v1/embeddings`, `GET /v1/models`. The official SDKs work unchanged against it
/// with a platform access token as their API key.
///
/// Each call: the model is resolved to a plan (alias or deployment), a repeatable request is
/// answered from the routing cache, the estimated cost is reserved on every budget that covers
/// the caller, the dispatcher finds a deployment that answers, and the reservation is settled
/// with what the call really cost.
struct OpenAIRoutes: Sendable {
    let catalog: CatalogStore
    let dispatcher: Dispatcher
    let budgets: BudgetKeeper
    let cache: RoutingCache
    let classifications: ClassificationLog
    let monitor: RoutingMonitor
    let stats: LiveStats
    /// Completion tokens assumed when a request sets no limit, for the reservation.
    let assumedCompletionTokens: Int

    /// The header naming the course a call is made for, whose budget then applies too.
    static let courseHeader = HTTPField.Name("X-Azora-Course-Id")!
    /// The header naming the deployment that answered.
    static let deploymentHeader = HTTPField.Name("X-Azora-Deployment")!
    /// The header saying whether a repeatable request's answer came from the routing cache (`hit`) or not (`miss`).
    static let cacheHeader = HTTPField.Name("X-Azora-Cache")!

    func add(to group: RouterGroup<AppRequestContext>) {
        group.post("/chat/completions") { request, context in
            try await chat(request, context)
        }
        group.post("/embeddings") { request, context in
            try await embeddings(request, context)
        }
        group.get("/models") { _, _ in
            ModelList(try await catalog.snapshot())
        }
        group.get("/models/:model") { _, context in
            let name = try context.parameters.require("model")
            guard let model = ModelList(try await catalog.snapshot()).data.first(where: { $0.id == name }) else {
                throw Problem(.notFound, code: "model_not_found", detail: "the model \(name) does not exist")
            }
            return model
        }
    }

    private func chat(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let chat = try ChatRequest(json: try await request.decode(as: [String: JSONValue].self, context: context))
        let caller = try Self.caller(request, context)
        let estimate = CostEstimate(promptTokens: chat.estimatedPromptTokens, completionTokens: chat.maxTokens ?? assumedCompletionTokens)
        var needs: [Capability] = [.chat]
        if chat.stream { needs.append(.streaming) }
        if chat.usesTools { needs.append(.tools) }
        let plan = try RoutePlan.resolve(
            chat.model, needs: .init(capabilities: needs, tokens: chat.estimatedPromptTokens + (chat.maxTokens ?? 0)),
            snapshot: try await catalog.snapshot(), stats: stats, estimate: estimate) { QueryClassifier.classify(chat) }
        if let classification = plan.classification {
            await classifications.record(requestId: caller.context.requestId, userId: caller.context.userId, model: chat.model, classification)
        }

        let cacheKey = RoutingCache.key(for: chat)
        if let cacheKey, let cached = await cache.lookup(cacheKey) {
            await recordCached(plan, caller.context, stream: chat.stream)
            return chat.stream ? try SSE.replay(cached, includeUsage: chat.includeUsage) : try Self.json(cached, deployment: nil, cache: "hit")
        }

        let reservation = try await reserve(caller.scopes, plan: plan, estimate: estimate)
        if chat.stream {
            let served = try await dispatch(reservation) { try await dispatcher.stream(chat, plan: plan, context: caller.context) }
            return SSE.relay(served.value, includeUsage: chat.includeUsage, deployment: served.candidate.deployment.name) { usage in
                await settle(reservation, served.candidate, usage)
            }
        }
        let served = try await dispatch(reservation) { try await dispatcher.chat(chat, plan: plan, context: caller.context) }
        await settle(reservation, served.candidate, served.value.usage)
        if let cacheKey { await cache.store(cacheKey, model: chat.model, response: served.value.response) }
        return try Self.json(served.value.response, text: served.value.text, deployment: served.candidate.deployment.name,
                             cache: cacheKey == nil ? nil : "miss")
    }

    private func embeddings(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let embedding = try EmbeddingRequest(json: try await request.decode(as: [String: JSONValue].self, context: context))
        let caller = try Self.caller(request, context)
        let estimate = CostEstimate(promptTokens: embedding.estimatedTokens, completionTokens: 0)
        let plan = try RoutePlan.resolve(
            embedding.model, needs: .init(capabilities: [.embeddings], tokens: 0), snapshot: try await catalog.snapshot(),
            stats: stats, estimate: estimate)
        let reservation = try await reserve(caller.scopes, plan: plan, estimate: estimate)
        let served = try await dispatch(reservation) { try await dispatcher.embed(embedding, plan: plan, context: caller.context) }
        await settle(reservation, served.candidate, served.value.usage)
        return try Self.json(served.value.response, deployment: served.candidate.deployment.name, cache: nil)
    }

    /// Reserves the call's estimated cost at its dearest candidate on every budget that covers the caller.
    private func reserve(_ scopes: BudgetScopes, plan: RoutePlan, estimate: CostEstimate) async throws -> Reservation {
        try await budgets.reserve(scopes, estimatedTokens: estimate.usage.totalTokens,
                                  estimatedMicros: plan.candidates.map { $0.deployment.costMicros(estimate.usage) }.max() ?? 0)
    }

    /// Dispatches a call; when no deployment answers, the reservation is settled with nothing spent.
    private func dispatch<Value>(_ reservation: Reservation, _ call: () async throws -> Value) async throws -> Value {
        do {
            return try await call()
        } catch {
            await budgets.settle(reservation, actualTokens: 0, actualMicros: 0)
            throw error
        }
    }

    /// Settles the reservation with what the call cost at the deployment that answered it.
    private func settle(_ reservation: Reservation, _ candidate: Candidate, _ usage: TokenUsage) async {
        await budgets.settle(reservation, actualTokens: usage.totalTokens, actualMicros: candidate.deployment.costMicros(usage))
    }

    /// A cached answer costs nothing and reaches no deployment, but counts as a request.
    private func recordCached(_ plan: RoutePlan, _ context: Dispatcher.CallContext, stream: Bool) async {
        await monitor.record(CallRecord(
            requestId: context.requestId, userId: context.userId, alias: plan.alias?.name, deployment: "cache", provider: "cache",
            stream: stream, outcome: "cached", latency: .zero, timeToFirstToken: nil, usage: .zero, costMicros: 0, at: Date()))
    }

    /// Who is calling, for the records and the budgets: the user, the course named in
    /// `X-Azora-Course-Id`, and the organisation the token carries.
    private static func caller(_ request: Request, _ context: AppRequestContext) throws
        -> (context: Dispatcher.CallContext, scopes: BudgetScopes)
    {
        let principal = try context.requirePrincipal()
        var courseId: UUID?
        if let text = request.headers[courseHeader] {
            guard let id = UUID(uuidString: text) else { throw Problem.malformed("X-Azora-Course-Id must be a course's UUID", field: "X-Azora-Course-Id") }
            courseId = id
        }
        let requestId = RequestTrace.current?.requestId ?? UUIDv7.make().lowercasedText
        return (Dispatcher.CallContext(requestId: requestId, userId: principal.userId),
                BudgetScopes(userId: principal.userId, courseId: courseId, organizationId: principal.organizationId))
    }

    /// A JSON answer as the upstream's shape (its own `text` of it, when given), with where it
    /// came from in headers.
    static func json(_ value: JSONValue, text: ByteBuffer? = nil, deployment: String?, cache: String?) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let deployment { headers[deploymentHeader] = deployment }
        if let cache { headers[cacheHeader] = cache }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: text ?? ByteBuffer(string: JSONText.write(value))))
    }
}
