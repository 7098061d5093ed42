import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Shared
import TestSupport

@testable import AzoraLedger

/// azora-ledger on a real socket with a fresh schema and its own Redis key space, trusting
/// tokens from a test key served as auth-service's JWKS. `database` reaches the same schema
/// directly, for what a test must see or do behind the service's back.
struct LedgerHarness: Sendable {
    let client: any TestClientProtocol
    let bus: EventBusProbe
    let key: TestSigningKey
    let database: Database
    /// A service's token (payment-service), allowed to write to the books.
    let service: Caller
    /// An administrator's token.
    let admin: Caller

    struct Caller: Sendable {
        let id: UUID
        let token: String
        var ownerRef: String { "user:\(id.uuidString.lowercased())" }
    }

    static func run(settings extra: [String: String] = [:], _ test: @escaping @Sendable (LedgerHarness) async throws -> Void) async throws {
        let run = TestNames.unique("ledger")
        let key = TestSigningKey()
        let router = Router()
        router.get("/.well-known/jwks.json") { _, _ in TestSigningKey.jwks([key]) }
        let jwks = try await LocalServer.start(router: router)
        var values = [
            "DATABASE_URL": TestEnvironment.databaseURL, "DATABASE_SCHEMA": run,
            "REDIS_URL": TestEnvironment.redisURL, "REDIS_KEY_PREFIX": run + ":",
            "AUTH_SERVICE_URL": jwks.url, "LOG_LEVEL": "warning", "LEDGER_EXPIRY_INTERVAL_MS": "100",
        ]
        values.merge(extra) { $1 }
        let database = Database(settings: DatabaseSettings(url: TestEnvironment.databaseURL, schema: run, maxConnections: 4),
                                logger: TestLogger.make("ledger-test"))
        do {
            let application = try await buildApplication(reader: Settings.values(values).reader)
            let service = Caller(id: UUID(), token: try await key.token(subject: "service:payment-service", roles: ["service"]))
            let adminId = UUID()
            let admin = Caller(id: adminId, token: try await key.token(subject: adminId.uuidString.lowercased(), roles: ["student", "admin"]))
            try await application.test(.live) { client in
                try await test(LedgerHarness(client: client, bus: EventBusProbe(keyPrefix: run + ":"), key: key, database: database,
                                             service: service, admin: admin))
            }
            await database.close()
            await jwks.stop()
        } catch {
            await database.close()
            await jwks.stop()
            throw error
        }
    }

    /// A signed-in learner.
    func user() async throws -> Caller {
        let id = UUID()
        return Caller(id: id, token: try await key.token(subject: id.uuidString.lowercased(), roles: ["student"]))
    }

    struct Answer: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        subscript(_ key: String) -> String? { json[key] as? String }
        func int(_ key: String) -> Int64? { (json[key] as? NSNumber)?.int64Value }
        func uuid(_ key: String) -> UUID? { self[key].flatMap(UUID.init(uuidString:)) }
        var code: String? { json["code"] as? String }
        var fields: [String] { (json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? [] }
        var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func send(_ method: HTTPRequest.Method, _ path: String, json body: Any? = nil, as caller: Caller? = nil) async throws -> Answer {
        var headers: HTTPFields = [:]
        if let caller { headers[.authorization] = "Bearer \(caller.token)" }
        var buffer: ByteBuffer?
        if let body {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(data: try JSONSerialization.data(withJSONObject: body))
        }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: buffer)
        return Answer(status: response.status, headers: response.headers, body: Data(buffer: response.body))
    }

    /// Many requests at once, each on a connection of its own (the test client has only one).
    func sendConcurrently(_ requests: [(HTTPRequest.Method, String, Any?)], as caller: Caller) async throws -> [Answer] {
        guard let port = client.port else { throw HarnessError("the test client has no port") }
        let bodies = try requests.map { method, path, body in
            (method, path, try body.map { try JSONSerialization.data(withJSONObject: $0) })
        }
        return try await withThrowingTaskGroup(of: (Int, Answer).self) { group in
            for (index, (method, path, body)) in bodies.enumerated() {
                group.addTask {
                    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
                    request.method = .init(rawValue: method.rawValue)
                    request.headers.add(name: "Authorization", value: "Bearer \(caller.token)")
                    if let body {
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(ByteBuffer(data: body))
                    }
                    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                    let data = Data(buffer: try await response.body.collect(upTo: 1 << 24))
                    return (index, Answer(status: .init(code: Int(response.status.code)), headers: [:], body: data))
                }
            }
            var answers = [Answer?](repeating: nil, count: bodies.count)
            for try await (index, answer) in group { answers[index] = answer }
            return answers.compactMap { $0 }
        }
    }

    /// Opens an account as the service and returns its id.
    func account(_ currency: String = "USD", type: String = "liability", owner: String? = nil, code: String? = nil,
                 flags: [String] = []) async throws -> UUID {
        var body: [String: Any] = ["currency": currency, "type": type, "flags": flags]
        if let owner { body["ownerRef"] = owner }
        if let code { body["code"] = code }
        let answer = try await send(.post, "/ledger/accounts", json: body, as: service)
        guard answer.status == .created, let id = answer["id"].flatMap(UUID.init(uuidString:)) else {
            throw HarnessError("opening an account answered \(answer.status): \(answer.text)")
        }
        return id
    }

    /// Records a transfer as the service.
    @discardableResult
    func transfer(_ id: UUID = UUID(), from debit: UUID, to credit: UUID, _ amount: Int64, currency: String = "USD",
                  code: String? = nil, pending: Bool = false, timeoutSeconds: Int? = nil) async throws -> Answer {
        var body = Self.order(id, from: debit, to: credit, amount, currency: currency, code: code)
        if pending { body["pending"] = true }
        if let timeoutSeconds { body["timeoutSeconds"] = timeoutSeconds }
        return try await send(.post, "/ledger/transfers", json: body, as: service)
    }

    static func order(_ id: UUID = UUID(), from debit: UUID, to credit: UUID, _ amount: Int64, currency: String = "USD",
                      code: String? = nil) -> [String: Any] {
        var body: [String: Any] = ["id": id.uuidString, "debitAccountId": debit.uuidString, "creditAccountId": credit.uuidString,
                                   "amount": amount, "currency": currency]
        if let code { body["code"] = code }
        return body
    }

    /// The account's balance document.
    func balance(_ account: UUID, asOf: Date? = nil) async throws -> Answer {
        let query = asOf.map { "?asOf=\(Timestamp.format($0))" } ?? ""
        return try await send(.get, "/ledger/accounts/\(account.uuidString)/balance\(query)", as: service)
    }

    func integrity() async throws -> Answer {
        try await send(.get, "/ledger/reports/integrity", as: admin)
    }

    /// Waits up to about five seconds for the condition.
    func eventually(_ condition: () async throws -> Bool) async throws {
        for _ in 0..<100 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("the condition did not come true within five seconds")
    }

    struct HarnessError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
