import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Shared

/// The readiness of every deployed member, asked of each at once, for the gateway's
/// `GET /health/ready`. The gateway is ready when it can route; members that are down are
/// reported there, and requests for them get a 503 of their own.
struct FleetReadiness: Sendable {
    let upstreams: [String: String]
    let client: HTTPClient

    /// Each member's state: `ready`, `unready` (it answers 503) or `unreachable`.
    func check() async -> [String: String] {
        await withTaskGroup(of: (String, String).self) { group in
            for (name, baseURL) in upstreams {
                group.addTask {
                    do {
                        let response = try await client.execute(HTTPClientRequest(url: baseURL + "/health/ready"), timeout: .seconds(2))
                        _ = try? await response.body.collect(upTo: 64 << 10)
                        return (name, response.status == .ok ? "ready" : "unready")
                    } catch {
                        return (name, "unreachable")
                    }
                }
            }
            var states: [String: String] = [:]
            for await (name, state) in group { states[name] = state }
            return states
        }
    }
}
