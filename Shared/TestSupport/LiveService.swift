import Configuration
import Foundation
import Hummingbird
import HummingbirdTesting
import Shared

/// A service's application on a real socket for one test: a fresh schema and Redis key space,
/// auth-service's JWKS served from a test key, and a direct connection to the same schema for
/// what a test must see or do behind the service's back.
public struct LiveService: Sendable {
    public let client: any TestClientProtocol
    /// The unique name of this run: the schema, and the Redis key prefix without its colon.
    public let run: String
    public let key: TestSigningKey
    public let database: Database
    public let bus: EventBusProbe

    /// A user's token, or a service's (`service:<name>` with the `service` role).
    public func token(subject: String, roles: [String], organization: UUID? = nil) async throws -> String {
        try await key.token(subject: subject, roles: roles, organization: organization?.lowercasedText)
    }

    /// Builds the application with the standard test settings plus `settings`, runs `test`
    /// against it, and tears everything down whatever happens.
    public static func run<App: ApplicationProtocol>(
        _ name: String, settings: [String: String] = [:],
        build: (ConfigReader) async throws -> App,
        _ test: @escaping @Sendable (LiveService) async throws -> Void
    ) async throws {
        let run = TestNames.unique(name)
        let key = TestSigningKey()
        let router = Router()
        router.get("/.well-known/jwks.json") { _, _ in TestSigningKey.jwks([key]) }
        // Service credentials, as auth-service's `POST /auth/token` grants them, for a service
        // under test that calls peers (any client id and secret is accepted here).
        router.post("/auth/token") { request, _ -> Response in
            let form = String(buffer: try await request.body.collect(upTo: 4096))
            let clientId = form.split(separator: "&").first { $0.hasPrefix("client_id=") }.map { String($0.dropFirst(10)) } ?? "unknown"
            let token = try await key.token(subject: "service:\(clientId)", roles: ["service"])
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"access_token":"\#(token)","token_type":"Bearer","expires_in":300}"#)))
        }
        let jwks = try await LocalServer.start(router: router)
        var values = [
            "DATABASE_URL": TestEnvironment.databaseURL, "DATABASE_SCHEMA": run,
            "REDIS_URL": TestEnvironment.redisURL, "REDIS_KEY_PREFIX": run + ":",
            "AUTH_SERVICE_URL": jwks.url, "LOG_LEVEL": "warning",
        ]
        values.merge(settings) { $1 }
        let database = Database(settings: DatabaseSettings(url: TestEnvironment.databaseURL, schema: run, maxConnections: 4),
                                logger: TestLogger.make("\(name)-test"))
        do {
            let application = try await build(Settings.values(values).reader)
            try await application.testLive { client in
                try await test(LiveService(client: client, run: run, key: key, database: database, bus: EventBusProbe(keyPrefix: run + ":")))
            }
            await database.close()
            await jwks.stop()
        } catch {
            await database.close()
            await jwks.stop()
            throw error
        }
    }
}
