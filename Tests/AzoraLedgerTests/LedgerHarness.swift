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
        var ownerRef: String { "user:\(id.lowercasedText)" }
    }

    static func run(settings extra: [String: String] = [:], _ test: @escaping @Sendable (LedgerHarness) async throws -> Void) async throws {
        try await LiveService.run("ledger", settings: ["LEDGER_EXPIRY_INTERVAL_MS": "100"].merging(extra) { $1 }, build: buildApplication) { live in
            let service = Caller(id: UUID(), token: try await live.token(subject: "service:payment-service", roles: ["service"]))
            let adminId = UUID()
            let admin = Caller(id: adminId, token: try await live.token(subject: adminId.lowercasedText, roles: ["student", "admin"]))
            try await test(LedgerHarness(client: live.client, bus: live.bus, key: live.key, database: live.database, service: service, admin: admin))
        }
    }

    /// A signed-in learner.
    func user() async throws -> Caller {
        let id = UUID()
        return Caller(id: id, token: try await key.token(subject: id.lowercasedText, roles: ["student"]))
    }

    typealias Answer = TestAnswer

    func send(_ method: HTTPRequest.Method, _ path: String, json body: Any? = nil, as caller: Caller? = nil) async throws -> Answer {
        try await client.send(method, path, json: body, token: caller?.token)
    }

    /// Many requests at once, each on a connection of its own.
    func sendConcurrently(_ requests: [(HTTPRequest.Method, String, Any?)], as caller: Caller) async throws -> [Answer] {
        try await client.sendConcurrently(requests, token: caller.token)
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
}
