import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import Shared
import Synchronization
import TestSupport

@testable import AIOrchestrator

/// ai-orchestrator on a real socket, as `OrchestratorHarness` starts it, for tests of the
/// management routes that reach behind them through the application's own parts.
struct ControlHarness: Sendable {
    let live: LiveService
    let parts: OrchestratorParts
    let admin: Caller

    struct Caller: Sendable {
        let id: UUID
        let token: String
    }

    var client: any TestClientProtocol { live.client }
    var database: Database { live.database }

    /// The environment variable a test provider names, and its value, which must never be answered.
    static let keySetting = "CONTROL_TEST_PROVIDER_KEY"
    static let keyValue = "sk-test-DO-NOT-LEAK-7f3a9c"

    static func run(settings extra: [String: String] = [:], _ test: @escaping @Sendable (ControlHarness) async throws -> Void) async throws {
        let box = Mutex<OrchestratorParts?>(nil)
        let settings = OrchestratorHarness.settings.merging([keySetting: keyValue]) { $1 }.merging(extra) { $1 }
        try await LiveService.run("control", settings: settings, build: { reader in
            let application = try await buildApplication(reader: reader)
            box.withLock { $0 = application.parts }
            return application
        }) { live in
            let adminId = UUID()
            let admin = Caller(id: adminId, token: try await live.token(subject: adminId.lowercasedText, roles: ["student", "admin"]))
            try await test(ControlHarness(live: live, parts: box.withLock { $0! }, admin: admin))
        }
    }

    /// A chat call to the local stack's `local-small` deployment, which reserves budget for the
    /// caller as every call does, so that refusals are seen through the real routes.
    func chat(as caller: Caller) async throws -> TestAnswer {
        try await send(.post, "/v1/chat/completions", json: ["model": "local-small", "messages": [["role": "user", "content": "hi"]]],
                       as: caller)
    }

    /// A signed-in learner, optionally of an organisation.
    func user(organization: UUID? = nil) async throws -> Caller {
        let id = UUID()
        return Caller(id: id, token: try await live.token(subject: id.lowercasedText, roles: ["student"], organization: organization))
    }

    func send(_ method: HTTPRequest.Method, _ path: String, json body: Any? = nil, as caller: Caller? = nil) async throws -> TestAnswer {
        try await client.send(method, path, json: body, token: caller?.token)
    }

    /// Creates something as the administrator and fails the test's setup unless it is created.
    @discardableResult
    func create(_ path: String, _ body: [String: Any]) async throws -> TestAnswer {
        let answer = try await send(.post, path, json: body, as: admin)
        guard answer.status == .created else { throw HarnessError("POST \(path) answered \(answer.status): \(answer.text)") }
        return answer
    }

    /// An OpenAI-compatible provider whose key is in `keySetting`.
    @discardableResult
    func provider(_ name: String) async throws -> TestAnswer {
        try await create("/ai-orchestrator/providers", ["name": name, "kind": "openai_compatible", "baseUrl": "https://api.example.com/v1",
                                                        "credentialSetting": Self.keySetting])
    }

    @discardableResult
    func deployment(_ name: String, provider: String, tier: String = "small") async throws -> TestAnswer {
        try await create("/ai-orchestrator/deployments", ["name": name, "provider": provider, "model": "gpt-4o-mini", "contextWindow": 128_000,
                                                          "inputMicrosPerMillion": 150_000, "outputMicrosPerMillion": 600_000,
                                                          "capabilities": ["chat", "streaming"], "tier": tier])
    }
}

/// A fresh, migrated ai-orchestrator schema and a Redis key space of its own, for tests of the
/// stores without HTTP.
func withControlDatabase<T>(maxConnections: Int = 8, statementTimeout: Duration = .seconds(15),
                             _ body: (Database, RedisClient) async throws -> T) async throws -> T {
    try await withTestDatabase(maxConnections: maxConnections, statementTimeout: statementTimeout) { database in
        try await Migrator(database: database, logger: TestLogger.make("migrator"))
            .migrate(Migration.fromFiles(prefix: "orchestrator", EmbeddedFiles.migrationFiles))
        return try await withTestRedis { redis in try await body(database, redis) }
    }
}

/// A quiet logger for the parts under test.
let controlLogger = TestLogger.make("control")

/// Runs a service in a service group, lets it start, then shuts it down gracefully and waits
/// for it to return: what happens to a replica on SIGTERM.
enum ControlShutdown {
    static func run(_ service: any Service) async throws {
        let group = ServiceGroup(configuration: .init(services: [service], logger: controlLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(100))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
