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
        let fleet = try await TestFleet.start(["auth-service", "ai-orchestrator"])
        defer { fleet.stop() }
        let token = try await fleet.signUp("Sam").token

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Python/openai_sdk_check.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script]
        process.environment = ["AZORA_BASE_URL": fleet.api.baseURL, "AZORA_TOKEN": token, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? ""]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)\norchestrator: \(fleet.process("ai-orchestrator")?.output.suffix(2000) ?? "")")
        #expect(text.contains("openai sdk: ok"))
    }
}
