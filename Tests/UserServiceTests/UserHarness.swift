import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Shared
import TestSupport

@testable import UserService

/// user-service on a real socket with a fresh schema, its own Redis key space and object folder,
/// trusting tokens from a test key served as auth-service's JWKS.
struct UserHarness: Sendable {
    let client: any TestClientProtocol
    let bus: EventBusProbe
    let objectFolder: URL
    let key: TestSigningKey

    static func run(settings extra: [String: String] = [:], _ test: @escaping @Sendable (UserHarness) async throws -> Void) async throws {
        let run = TestNames.unique("users")
        let objectFolder = FileManager.default.temporaryDirectory.appending(path: run)
        defer { try? FileManager.default.removeItem(at: objectFolder) }
        let key = TestSigningKey()
        let router = Router()
        router.get("/.well-known/jwks.json") { _, _ in TestSigningKey.jwks([key]) }
        let jwks = try await LocalServer.start(router: router)
        var values = [
            "DATABASE_URL": TestEnvironment.databaseURL, "DATABASE_SCHEMA": run,
            "REDIS_URL": TestEnvironment.redisURL, "REDIS_KEY_PREFIX": run + ":",
            "OBJECT_STORE_FOLDER": objectFolder.path, "AUTH_SERVICE_URL": jwks.url, "LOG_LEVEL": "warning",
        ]
        values.merge(extra) { $1 }
        do {
            let application = try await buildApplication(reader: Settings.values(values).reader)
            try await application.testLive { client in
                try await test(UserHarness(client: client, bus: EventBusProbe(keyPrefix: run + ":"), objectFolder: objectFolder, key: key))
            }
            await jwks.stop()
        } catch {
            await jwks.stop()
            throw error
        }
    }

    struct Answer {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        subscript(_ key: String) -> String? { json[key] as? String }
        var code: String? { json["code"] as? String }
        var fields: [String] { (json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? [] }
        var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
    }

    /// A user known to the tests: their id and a token for them.
    struct User: Sendable {
        let id: UUID
        let token: String
        var path: String { "/users/\(id.lowercasedText)" }
    }

    func send(_ method: HTTPRequest.Method, _ path: String, json body: [String: Any]? = nil, as user: User? = nil,
              body raw: Data? = nil, contentType: String? = nil, headers extra: HTTPFields = [:]) async throws -> Answer {
        var headers = extra
        if let user { headers[.authorization] = "Bearer \(user.token)" }
        var buffer: ByteBuffer?
        if let body {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(data: try JSONSerialization.data(withJSONObject: body))
        } else if let raw {
            headers[.contentType] = contentType ?? "application/octet-stream"
            buffer = ByteBuffer(data: raw)
        }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: buffer)
        return Answer(status: response.status, headers: response.headers, body: Data(buffer: response.body))
    }

    /// Announces a registration the way auth-service does and waits for the profile to appear.
    func register(_ name: String, email: String? = nil, roles: [String] = ["student"]) async throws -> User {
        let id = UUIDv7.make()
        let subject = id.lowercasedText
        try await bus.publish("user.registered", source: "auth-service", subject: subject, data: [
            "userId": .string(subject), "email": .string(email ?? "\(name.lowercased().replacingOccurrences(of: " ", with: "."))@example.com"),
            "name": .string(name), "emailVerified": .bool(true), "roles": .array(roles.map(JSONValue.string)),
            "registeredAt": .string(Timestamp.format(Date())),
        ])
        let user = User(id: id, token: try await key.token(subject: subject, roles: roles))
        try await eventually { try await send(.get, user.path, as: user).status == .ok }
        return user
    }

    func admin() async throws -> User {
        try await register("Admin \(UUID().uuidString.prefix(6))", roles: ["student", "admin"])
    }
}
