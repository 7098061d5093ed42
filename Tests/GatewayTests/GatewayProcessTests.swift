import AsyncHTTPClient
import Foundation
import Hummingbird
import Synchronization
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
        let key = TestSigningKey()
        let router = Router()
        let reached = Mutex(false)
        router.get("/ledger/slow") { _, _ -> String in
            reached.withLock { $0 = true }
            try await Task.sleep(for: .seconds(1))
            return "finished"
        }
        router.get("/.well-known/jwks.json") { _, _ in TestSigningKey.jwks([key]) }
        let upstream = try await LocalServer.start(router: router)
        defer { Task { await upstream.stop() } }
        let gateway = try await FleetProcess.start(
            "gateway", environment: ["SERVICES": "azora-ledger", "AZORA_LEDGER_URL": upstream.url,
                                     "AUTH_SERVICE_URL": upstream.url, "RATE_LIMITS": "false"])
        defer { gateway.stop() }

        var request = HTTPClientRequest(url: gateway.url + "/ledger/slow")
        request.headers.add(name: "Authorization", value: "Bearer \(try await key.token())")
        async let answer = HTTPClient.shared.execute(request, timeout: .seconds(30))
        // The signal comes once the request is in flight through the gateway, however long a busy
        // machine takes to get it there.
        try await eventually { reached.withLock { $0 } }
        gateway.signal(SIGTERM)
        let response = try await answer
        #expect(response.status.code == 200)
        #expect(String(buffer: try await response.body.collect(upTo: 1024)) == "finished")
        #expect(gateway.waitForExit() == 0)
    }
}
