import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Shared
import TestSupport
import Testing

@testable import Gateway

/// The fleet's test clock as the gateway serves it: for administrators, only with `TEST_CLOCKS=true`.
@Suite struct TestClockRouteTests {
    typealias Access = GatewayAccessTests

    struct State: Decodable {
        let now: String
        let offsetSeconds: Int64
    }

    static func advance(_ client: any TestClientProtocol, _ body: String, token: String) async throws -> TestResponse {
        try await client.execute(uri: "/test-clock/advance", method: .post,
                                 headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                                 body: ByteBuffer(string: body))
    }

    @Test func anAdministratorReadsAndAdvancesTheFleetsClock() async throws {
        let upstream = try await Access.Upstream.start()
        defer { Task { await upstream.server.stop() } }
        try await Access.withGateway(upstream, settings: ["TEST_CLOCKS": "true"]) { client in
            let admin = try await Access.key.token(roles: ["admin"])
            let before = try await client.execute(uri: "/test-clock", method: .get, headers: Access.bearer(admin))
            #expect(before.status == .ok)
            #expect(try JSONDecoder().decode(State.self, from: Data(buffer: before.body)).offsetSeconds == 0)

            let advanced = try await Self.advance(client, #"{"seconds": 1209600}"#, token: admin)
            #expect(advanced.status == .ok, "\(String(buffer: advanced.body))")
            let state = try JSONDecoder().decode(State.self, from: Data(buffer: advanced.body))
            #expect(state.offsetSeconds == 1_209_600)
            let now = try #require(Timestamp.parse(state.now))
            #expect(abs(now.timeIntervalSince(Date()) - 1_209_600) < 60)

            let after = try await client.execute(uri: "/test-clock", method: .get, headers: Access.bearer(admin))
            #expect(try JSONDecoder().decode(State.self, from: Data(buffer: after.body)).offsetSeconds == 1_209_600)
            #expect(upstream.count == 0)
        }
    }

    @Test func aNegativeZeroFractionalOrAbsurdAdvanceIsRefusedNamingSecondsAndMovesNothing() async throws {
        let upstream = try await Access.Upstream.start()
        defer { Task { await upstream.server.stop() } }
        try await Access.withGateway(upstream, settings: ["TEST_CLOCKS": "true"]) { client in
            let admin = try await Access.key.token(roles: ["admin"])
            for body in [#"{"seconds": -60}"#, #"{"seconds": 0}"#, #"{"seconds": 1.5}"#, #"{"seconds": "60"}"#, #"{}"#,
                         #"{"seconds": 315619201}"#, #"{"seconds": 9007199254740993}"#] {
                let refused = try await Self.advance(client, body, token: admin)
                #expect(refused.status == .unprocessableContent, "\(body)")
                let problem = try JSONDecoder().decode(ProblemDocument.self, from: Data(buffer: refused.body))
                #expect(problem.errors?.map(\.field) == ["seconds"], "\(body)")
            }
            #expect(try await Self.advance(client, "not json", token: admin).status == .badRequest)
            let state = try await client.execute(uri: "/test-clock", method: .get, headers: Access.bearer(admin))
            #expect(try JSONDecoder().decode(State.self, from: Data(buffer: state.body)).offsetSeconds == 0)
        }
    }

    @Test func onlyAdministratorsMayReadOrMoveTheClock() async throws {
        let upstream = try await Access.Upstream.start()
        defer { Task { await upstream.server.stop() } }
        try await Access.withGateway(upstream, settings: ["TEST_CLOCKS": "true"]) { client in
            #expect(try await client.execute(uri: "/test-clock", method: .get).status == .unauthorized)
            let learner = try await Access.key.token(roles: ["student"])
            #expect(try await client.execute(uri: "/test-clock", method: .get, headers: Access.bearer(learner)).status == .forbidden)
            #expect(try await Self.advance(client, #"{"seconds": 60}"#, token: learner).status == .forbidden)
            let expired = try await Access.key.token(roles: ["admin"], expiresIn: -60)
            #expect(try await Self.advance(client, #"{"seconds": 60}"#, token: expired).status == .unauthorized)
        }
    }

    @Test func withoutTestClocksTheRoutesDoNotExist() async throws {
        let upstream = try await Access.Upstream.start()
        defer { Task { await upstream.server.stop() } }
        try await Access.withGateway(upstream) { client in
            let admin = try await Access.key.token(roles: ["admin"])
            #expect(try await client.execute(uri: "/test-clock", method: .get, headers: Access.bearer(admin)).status == .notFound)
            #expect(try await Self.advance(client, #"{"seconds": 60}"#, token: admin).status == .notFound)
        }
    }
}
