import Foundation
import Shared
import TestSupport
import Testing

/// The official `openai` Python SDK, unchanged, against the gateway: auth-service for the
/// token, ai-orchestrator behind the gateway with its local models. The SDK comes from
/// .local/venv, which `make test` fills (AZORA_PYTHON).
@Suite struct OpenAISDKTests {
    @Test func theOfficialSDKChatsStreamsAndEmbedsThroughTheGateway() async throws {
        let fleet = try await TestFleet.start(["auth-service", "ai-orchestrator"])
        defer { fleet.stop() }
        let token = try await fleet.signUp("Sam").token

        let (status, text) = try PythonScript("openai_sdk_check.py")
            .run(environment: ["AZORA_BASE_URL": fleet.api.baseURL, "AZORA_TOKEN": token])
        #expect(status == 0, "\(text)\norchestrator: \(fleet.process("ai-orchestrator")?.output.suffix(2000) ?? "")")
        #expect(text.contains("openai sdk: ok"))
    }
}
