import Foundation
import Shared
import TestSupport
import Testing

/// The part of the fleet a learner's journey crosses, as real processes behind the real gateway:
/// auth-service, user-service, course-service and enrollment-service, each with its own schema,
/// sharing one Redis key space for the event bus.
struct LearningFleet {
    struct Person {
        let id: String
        let email: String
        let token: String
    }

    static let password = "correct horse battery staple"

    let api: JSONClient
    private let processes: [FleetProcess]
    private let adminEmail: String

    static func start() async throws -> LearningFleet {
        let run = TestNames.unique("learning")
        // In this order each member's peers are up before it starts, so each picks its own port.
        let members = ["auth-service", "user-service", "course-service", "enrollment-service"]
        var common = ["DATABASE_URL": TestEnvironment.databaseURL, "REDIS_URL": TestEnvironment.redisURL,
                      "REDIS_KEY_PREFIX": run + ":", "LOG_LEVEL": "warning"]
        let secrets = Dictionary(uniqueKeysWithValues: members.map { ($0, "\($0)-secret-\(UUID().uuidString)") })
        let adminEmail = "admin-\(run)@azora.test"
        let own: [String: [String: String]] = [
            "auth-service": [
                "MAIL_DROP_FOLDER": FileManager.default.temporaryDirectory.appending(path: run + "-mail").path,
                "KEY_ENCRYPTION_KEY": Self.randomKey(), "ADMIN_EMAIL": adminEmail, "ADMIN_PASSWORD": Self.password,
                "SERVICE_CLIENT_SECRETS": secrets.map { "\($0.key):\($0.value)" }.joined(separator: ","),
            ],
            "user-service": ["OBJECT_STORE_FOLDER": FileManager.default.temporaryDirectory.appending(path: run + "-objects").path],
            "enrollment-service": ["CERTIFICATE_SIGNING_KEY": Self.randomKey()],
        ]
        var processes: [FleetProcess] = []
        do {
            for member in members {
                let schema = Fleet.member(named: member)!.schema!
                let process = try await FleetProcess.start(member, environment: common.merging([
                    "DATABASE_SCHEMA": "\(run)_\(schema)", "SERVICE_CLIENT_SECRET": secrets[member]!,
                ]) { $1 }.merging(own[member] ?? [:]) { $1 })
                processes.append(process)
                common[Fleet.member(named: member)!.urlSetting] = process.url
            }
            processes.append(try await FleetProcess.start("gateway", environment: common.merging([
                "SERVICES": members.joined(separator: ","),
            ]) { $1 }))
        } catch {
            processes.forEach { $0.stop() }
            throw error
        }
        return LearningFleet(api: JSONClient(baseURL: processes.last!.url), processes: processes, adminEmail: adminEmail)
    }

    func stop() {
        processes.forEach { $0.stop() }
    }

    func adminToken() async throws -> String {
        try #require(try await api.send(.POST, "/auth/login", json: ["email": adminEmail, "password": Self.password])["accessToken"])
    }

    func signUp(_ name: String) async throws -> Person {
        let email = "\(name.split(separator: " ")[0].lowercased())-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let registered = try await api.send(.POST, "/auth/register", json: ["email": email, "password": Self.password, "name": name])
        #expect(registered.status == 201, "\(registered.text)")
        let login = try await api.send(.POST, "/auth/login", json: ["email": email, "password": Self.password])
        let token = try #require(login["accessToken"], "\(login.text)")
        let id = try #require(try Self.subject(of: token))
        return Person(id: id, email: email, token: token)
    }

    func login(_ person: Person) async throws -> String {
        try #require(try await api.send(.POST, "/auth/login", json: ["email": person.email, "password": Self.password])["accessToken"])
    }

    private static func subject(of token: String) throws -> String? {
        let segment = try #require(Data(base64URLEncoded: String(token.split(separator: ".")[1])))
        return (try JSONSerialization.jsonObject(with: segment) as? [String: Any])?["sub"] as? String
    }

    private static func randomKey() -> String {
        Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64URLEncodedString()
    }
}
