import AsyncHTTPClient
import Foundation
import Hummingbird
import TestSupport
import Testing

/// The gateway as a real process: how it starts, refuses to start, and stops.
@Suite struct GatewayProcessTests {
    @Test func aMalformedSettingStopsStartUpWithOneClearLine() async throws {
        let process = try await FleetProcess.start(
            "gateway", environment: ["UPSTREAM_TIMEOUT_MS": "soon"], waitUntilLive: false)
        #expect(process.waitForExit() == 1)
        let lines = process.output.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("UPSTREAM_TIMEOUT_MS") == true)
    }

    @Test func sigtermLetsARequestInFlightFinish() async throws {
        let router = Router()
        router.get("/ledger/slow") { _, _ -> String in
            try await Task.sleep(for: .seconds(1))
            return "finished"
        }
        let upstream = try await LocalServer.start(router: router)
        defer { Task { await upstream.stop() } }
        let gateway = try await FleetProcess.start(
            "gateway", environment: ["SERVICES": "azora-ledger", "AZORA_LEDGER_URL": upstream.url])
        defer { gateway.stop() }

        async let answer = HTTPClient.shared.execute(HTTPClientRequest(url: gateway.url + "/ledger/slow"), timeout: .seconds(10))
        try await Task.sleep(for: .milliseconds(300))
        gateway.signal(SIGTERM)
        let response = try await answer
        #expect(response.status.code == 200)
        #expect(String(buffer: try await response.body.collect(upTo: 1024)) == "finished")
        #expect(gateway.waitForExit() == 0)
    }
}
