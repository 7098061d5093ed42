import Foundation
import Shared
import TestSupport
import Testing

/// Members of the fleet as real processes behind the real gateway, for journeys end to end: each
/// with its own schema, all sharing one Redis key space (the event bus). Members start in the
/// order given, so each one's peers are up, and their addresses known, before it starts; every
/// process picks its own free port.
struct TestFleet {
    struct Person {
        let id: String
        let email: String
        let token: String
    }

    static let password = "correct horse battery staple"

    /// The gateway.
    let api: JSONClient
    /// Where auth-service drops its mail.
    let mailFolder: URL
    private let members: [String: FleetProcess]
    private let processes: [FleetProcess]
    private let adminEmail: String
    private let clientSecrets: [String: String]

    /// Starts `members` in order, then the gateway in front of them.
    /// - Parameters:
    ///   - gatewaySettings: extra settings for the gateway (rate-limit policies, say).
    ///   - settings: extra settings for every process, the gateway's included (`TEST_CLOCKS`, say).
    ///   - memberSettings: extra settings for some members, by name.
    static func start(_ members: [String], gatewaySettings: [String: String] = [:], settings: [String: String] = [:],
                      memberSettings: [String: [String: String]] = [:]) async throws -> TestFleet {
        let run = TestNames.unique("fleet")
        let folder = FileManager.default.temporaryDirectory
        let mailFolder = folder.appending(path: run + "-mail")
        var common = ["DATABASE_URL": TestEnvironment.databaseURL, "REDIS_URL": TestEnvironment.redisURL,
                      "REDIS_KEY_PREFIX": run + ":", "LOG_LEVEL": "warning"].merging(settings) { $1 }
        // Client credentials for every fleet member, started or not (a test may act as payment-service).
        let secrets = Dictionary(uniqueKeysWithValues: Fleet.members.filter { $0.schema != nil }
            .map { ($0.name, "\($0.name)-secret-\(UUID().uuidString)") })
        let adminEmail = "admin-\(run)@azora.test"
        let own: [String: [String: String]] = [
            "auth-service": [
                "MAIL_DROP_FOLDER": mailFolder.path, "KEY_ENCRYPTION_KEY": randomKey(),
                "ADMIN_EMAIL": adminEmail, "ADMIN_PASSWORD": password,
                "SERVICE_CLIENT_SECRETS": secrets.map { "\($0.key):\($0.value)" }.joined(separator: ","),
            ],
            "user-service": ["OBJECT_STORE_FOLDER": folder.appending(path: run + "-objects").path],
            "enrollment-service": ["CERTIFICATE_SIGNING_KEY": randomKey()],
            "azora-pricing": ["QUOTE_SIGNING_KEY": randomKey()],
        ]
        var started: [String: FleetProcess] = [:], processes: [FleetProcess] = []
        do {
            for member in members {
                let schema = try #require(Fleet.member(named: member)?.schema, "\(member) is not a member with a schema")
                let process = try await FleetProcess.start(member, environment: common.merging([
                    "DATABASE_SCHEMA": "\(run)_\(schema)", "SERVICE_CLIENT_SECRET": secrets[member]!,
                ]) { $1 }.merging(own[member] ?? [:]) { $1 }.merging(memberSettings[member] ?? [:]) { $1 })
                started[member] = process
                processes.append(process)
                common[Fleet.member(named: member)!.urlSetting] = process.url
            }
            // A busy test machine can make a login (a memory-hard password hash) slow: the
            // gateway waits long enough for that, since its own timeouts are tested elsewhere.
            processes.append(try await FleetProcess.start("gateway", environment: common.merging([
                "SERVICES": members.joined(separator: ","), "UPSTREAM_TIMEOUT_MS": "120000",
            ]) { $1 }.merging(gatewaySettings) { $1 }))
        } catch {
            processes.forEach { $0.stop() }
            throw error
        }
        return TestFleet(api: JSONClient(baseURL: processes.last!.url), mailFolder: mailFolder, members: started,
                         processes: processes, adminEmail: adminEmail, clientSecrets: secrets)
    }

    func stop() {
        processes.reversed().forEach { $0.stop() }
        try? FileManager.default.removeItem(at: mailFolder)
    }

    /// A started member's process (its output, for a failure's message).
    func process(_ member: String) -> FleetProcess? { members[member] }

    /// The client secret auth-service knows for a fleet member.
    func clientSecret(for member: String) -> String { clientSecrets[member]! }

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

    /// Someone who signs up and whom the administrator makes an instructor; their token carries
    /// the role once auth-service has heard of it by event.
    func signUpInstructor(_ name: String, admin: String) async throws -> Person {
        let person = try await signUp(name)
        let grant = try await api.eventually(.PUT, "/users/\(person.id)/roles", json: ["roles": ["instructor"]], token: admin) { $0.status == 200 }
        #expect(grant.status == 200, "\(grant.text)")
        var token = person.token
        for _ in 0..<100 {
            token = try await login(person)
            if try Self.roles(in: token).contains("instructor") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try Self.roles(in: token).contains("instructor"))
        return Person(id: person.id, email: person.email, token: token)
    }

    /// A free course with `capacity` seats and one lesson, published by the administrator.
    func publishedCourse(_ title: String, capacity: Int, by instructor: Person, admin: String) async throws -> String {
        let created = try await api.send(.POST, "/courses", json: [
            "title": title, "description": "A course for a journey.", "category": "programming",
            "level": "beginner", "language": "en", "price": ["amount": 0, "currency": "USD"], "capacity": capacity,
        ], token: instructor.token)
        #expect(created.status == 201, "\(created.text)")
        let courseId = try #require(created["id"])
        let module = try await api.send(.POST, "/courses/\(courseId)/modules", json: ["title": "Basics"], token: instructor.token)
        let moduleId = try #require(module["id"], "\(module.text)")
        let lesson = try await api.send(.POST, "/courses/\(courseId)/modules/\(moduleId)/lessons", json: [
            "title": "Welcome", "kind": "text", "durationMinutes": 5, "body": "Hello.",
        ], token: instructor.token)
        #expect(lesson.status == 201, "\(lesson.text)")
        #expect(try await api.send(.POST, "/courses/\(courseId)/submit", token: instructor.token).status == 200)
        #expect(try await api.send(.POST, "/courses/\(courseId)/publish", token: admin).status == 200)
        return courseId
    }

    static func roles(in token: String) throws -> [String] {
        let segment = try #require(Data(base64URLEncoded: String(token.split(separator: ".")[1])))
        return (try JSONSerialization.jsonObject(with: segment) as? [String: Any])?["roles"] as? [String] ?? []
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
