import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Mail
import NIOCore
import Shared
import TestSupport

@testable import AuthService

/// auth-service on a real socket (it reads its own JWKS like any service), a fresh schema, a Redis
/// key space and a mail folder of its own.
struct AuthHarness: Sendable {
    let client: any TestClientProtocol
    let mailFolder: URL
    let redisPrefix: String
    let baseURL: String

    static let adminEmail = "root@azora.test"
    static let adminPassword = "a long admin passphrase"

    static func run(settings extra: [String: String] = [:], _ test: @escaping @Sendable (AuthHarness) async throws -> Void) async throws {
        let run = TestNames.unique("auth")
        let mailFolder = FileManager.default.temporaryDirectory.appending(path: run)
        defer { try? FileManager.default.removeItem(at: mailFolder) }
        var values = [
            "DATABASE_URL": TestEnvironment.databaseURL, "DATABASE_SCHEMA": run,
            "REDIS_URL": TestEnvironment.redisURL, "REDIS_KEY_PREFIX": run + ":",
            "MAIL_DROP_FOLDER": mailFolder.path, "LOG_LEVEL": "warning", "LOGIN_DELAYS": "false",
            "KEY_ENCRYPTION_KEY": Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64URLEncodedString(),
            "ADMIN_EMAIL": adminEmail, "ADMIN_PASSWORD": adminPassword,
            "SERVICE_CLIENT_SECRETS": "payment-service:payment-secret-0123456789",
        ]
        values.merge(extra) { $1 }
        let application = try await buildApplication(reader: Settings.values(values).reader)
        try await application.testLive { client in
            try await test(AuthHarness(client: client, mailFolder: mailFolder, redisPrefix: run + ":", baseURL: "http://localhost:\(client.port!)"))
        }
    }

    struct Answer {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let json: [String: Any]
        subscript(_ key: String) -> String? { json[key] as? String }
        var code: String? { json["code"] as? String }
    }

    func send(_ method: HTTPRequest.Method, _ path: String, _ body: [String: Any]? = nil, token: String? = nil,
              headers extra: HTTPFields = [:]) async throws -> Answer {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let body {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(data: try JSONSerialization.data(withJSONObject: body))
        }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: buffer)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
        return Answer(status: response.status, headers: response.headers, json: json)
    }

    /// Registers and verifies an account; returns its id.
    @discardableResult
    func register(_ email: String, password: String = "a perfectly fine passphrase", verify: Bool = true) async throws -> String {
        let answer = try await send(.post, "/auth/register", ["email": email, "password": password, "name": "Test User"])
        guard answer.status == .created, let id = answer["id"] else { throw HarnessError("register failed: \(answer.json)") }
        if verify {
            let token = try await mailToken(to: email, subject: "Verify")
            _ = try await send(.post, "/auth/verify-email", ["token": token])
        }
        return id
    }

    func login(_ email: String, password: String = "a perfectly fine passphrase") async throws -> Answer {
        try await send(.post, "/auth/login", ["email": email, "password": password])
    }

    /// The token in the newest mail to `email` with `subject` in its subject, once the sender has sent it.
    func mailToken(to email: String, subject: String) async throws -> String {
        for _ in 0..<100 {
            if let message = try MailDropFolder.messages(in: mailFolder, to: email).last(where: { $0.subject.contains(subject) }),
               let match = message.text.firstMatch(of: /Token: ([A-Za-z0-9_\-]+)/) {
                return String(match.1)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("no “\(subject)” mail reached \(email)")
    }

    func mails(to email: String) throws -> [(subject: String, text: String)] {
        try MailDropFolder.messages(in: mailFolder, to: email)
    }

    /// Puts an event on the bus the way user-service's relay does.
    func publish(_ type: String, subject: String, data: [String: JSONValue]) async throws {
        try await EventBusProbe(keyPrefix: redisPrefix).publish(type, source: "user-service", subject: subject, data: data)
    }

}
