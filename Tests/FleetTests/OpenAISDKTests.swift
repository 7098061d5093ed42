import Foundation
import Shared
import TestSupport
import Testing

/// The official `openai` Python SDK, unchanged, against the gateway: auth-service for the
/// token, ai-orchestrator behind the gateway with its local models. The SDK comes from
/// .local/venv, which `make test` fills (AZORA_PYTHON).
@Suite struct OpenAISDKTests {
    @Test func theOfficialSDKChatsStreamsAndEmbedsThroughTheGateway() async throws {
        let python = try #require(ProcessInfo.processInfo.environment["AZORA_PYTHON"],
                                  "AZORA_PYTHON is not set: run the tests with `make test`, which installs the openai SDK")
        let run = TestNames.unique("sdk")
        let common = ["DATABASE_URL": TestEnvironment.databaseURL, "REDIS_URL": TestEnvironment.redisURL, "REDIS_KEY_PREFIX": run + ":",
                      "LOG_LEVEL": "warning"]
        // Each process starts on a port of its own choosing once the ones it needs are up.
        let auth = try await FleetProcess.start("auth-service", environment: common.merging([
            "DATABASE_SCHEMA": run + "_auth",
            "MAIL_DROP_FOLDER": FileManager.default.temporaryDirectory.appending(path: run + "-mail").path,
            "KEY_ENCRYPTION_KEY": Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64URLEncodedString(),
        ]) { $1 })
        defer { auth.stop() }
        let orchestrator = try await FleetProcess.start("ai-orchestrator", environment: common.merging([
            "DATABASE_SCHEMA": run + "_orchestrator", "AUTH_SERVICE_URL": auth.url,
        ]) { $1 })
        defer { orchestrator.stop() }
        let gateway = try await FleetProcess.start("gateway", environment: common.merging([
            "SERVICES": "auth-service,ai-orchestrator", "AUTH_SERVICE_URL": auth.url, "AI_ORCHESTRATOR_URL": orchestrator.url,
        ]) { $1 })
        defer { gateway.stop() }

        let api = JSONClient(baseURL: gateway.url)
        let email = "sdk-\(UUID().uuidString.prefix(8).lowercased())@example.com", password = "correct horse battery staple"
        #expect(try await api.send(.POST, "/auth/register", json: ["email": email, "password": password, "name": "Sam"]).status == 201)
        let token = try #require(try await api.send(.POST, "/auth/login", json: ["email": email, "password": password])["accessToken"])

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Python/openai_sdk_check.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script]
        process.environment = ["AZORA_BASE_URL": gateway.url, "AZORA_TOKEN": token, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? ""]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)\norchestrator: \(orchestrator.output.suffix(2000))")
        #expect(text.contains("openai sdk: ok"))
    }
}
