import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Shared
import TestSupport

@testable import AIOrchestrator

/// ai-orchestrator on a real socket with a fresh schema and Redis key space, with fake
/// upstreams to route to. Deployments are added through the management API, as an operator
/// would; the providers' keys are settings the test chooses.
struct OrchestratorHarness: Sendable {
    let client: any TestClientProtocol
    let database: Database
    let admin: String
    let learner: String
    let learnerId: UUID
    private let live: LiveService

    /// The key every fake provider is configured with (`FAKE_KEY`).
    static let key = "sk-test-\(UUID().uuidString)"

    /// The settings the service is started with: probes off unless a test turns them on, fast
    /// breakers so tests need not wait.
    static let settings = ["FAKE_KEY": key, "AI_PROBE_SECONDS": "0", "AI_BREAKER_FAILURES": "2", "AI_BREAKER_OPEN_SECONDS": "3",
                           "AI_LONGEST_RETRY_WAIT_SECONDS": "2"]

    static func run(settings extra: [String: String] = [:], _ test: @escaping @Sendable (OrchestratorHarness) async throws -> Void)
        async throws
    {
        try await LiveService.run("orchestrator", settings: settings.merging(extra) { $1 }, build: buildApplication) { live in
            let learnerId = UUID()
            try await test(OrchestratorHarness(
                client: live.client, database: live.database,
                admin: try await live.token(subject: UUID().lowercasedText, roles: ["student", "admin"]),
                learner: try await live.token(subject: learnerId.lowercasedText, roles: ["student"]),
                learnerId: learnerId, live: live))
        }
    }

    func token(for userId: UUID) async throws -> String {
        try await live.token(subject: userId.lowercasedText, roles: ["student"])
    }

    func send(_ method: HTTPRequest.Method, _ path: String, json: Any? = nil, token: String? = nil) async throws -> TestAnswer {
        try await client.send(method, path, json: json, token: token)
    }

    /// Registers a provider for the fake and one deployment on it; returns the deployment's name.
    @discardableResult
    func deploy(_ name: String, on fake: FakeUpstream, kind: String = "openai_compatible", tier: String = "medium",
                contextWindow: Int = 8_000, inputPrice: Int64 = 1_000_000, outputPrice: Int64 = 2_000_000,
                capabilities: [String] = ["chat", "streaming", "tools", "embeddings"], timeoutSeconds: Int = 10) async throws -> String {
        let provider = try await send(.post, "/ai-orchestrator/providers", json: [
            "name": "\(name)-provider", "kind": kind, "baseUrl": fake.url, "credentialSetting": "FAKE_KEY", "timeoutSeconds": timeoutSeconds,
        ], token: admin)
        guard provider.status == .created else { throw HarnessError("provider: \(provider.text)") }
        let deployment = try await send(.post, "/ai-orchestrator/deployments", json: [
            "name": name, "provider": "\(name)-provider", "model": "\(name)-model", "contextWindow": contextWindow,
            "inputMicrosPerMillion": inputPrice, "outputMicrosPerMillion": outputPrice, "capabilities": capabilities, "tier": tier,
        ], token: admin)
        guard deployment.status == .created else { throw HarnessError("deployment: \(deployment.text)") }
        return name
    }

    func alias(_ name: String, strategy: String = "weighted", targets: [(String, Int)], fallbacks: [String] = []) async throws {
        let answer = try await send(.post, "/ai-orchestrator/aliases", json: [
            "name": name, "strategy": strategy, "targets": targets.map { ["deployment": $0.0, "weight": $0.1] }, "fallbacks": fallbacks,
        ], token: admin)
        guard answer.status == .created else { throw HarnessError("alias: \(answer.text)") }
    }

    /// A chat request body.
    static func chat(_ model: String, _ text: String = "Hello there", stream: Bool = false, extra: [String: Any] = [:]) -> [String: Any] {
        ["model": model, "messages": [["role": "user", "content": text]], "stream": stream].merging(extra) { $1 }
    }
}
