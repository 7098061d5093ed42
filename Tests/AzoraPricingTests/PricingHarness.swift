import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Shared
import TestSupport

@testable import AzoraPricing

/// azora-pricing on a real socket with a fresh schema and its own Redis key space, trusting
/// tokens from a test key served as auth-service's JWKS. `database` reaches the same schema
/// directly, for what a test must see or do behind the service's back.
struct PricingHarness: Sendable {
    let client: any TestClientProtocol
    let bus: EventBusProbe
    let key: TestSigningKey
    let database: Database
    /// payment-service's token.
    let service: Caller
    let admin: Caller

    struct Caller: Sendable {
        let id: UUID
        let token: String
    }

    static func run(settings extra: [String: String] = [:], _ test: @escaping @Sendable (PricingHarness) async throws -> Void) async throws {
        let signingKey = Curve25519.Signing.PrivateKey().rawRepresentation.base64URLEncodedString()
        try await LiveService.run("pricing", settings: ["QUOTE_SIGNING_KEY": signingKey].merging(extra) { $1 }, build: buildApplication) { live in
            let service = Caller(id: UUID(), token: try await live.token(subject: "service:payment-service", roles: ["service"]))
            let adminId = UUID()
            let admin = Caller(id: adminId, token: try await live.token(subject: adminId.lowercasedText, roles: ["student", "admin"]))
            try await test(PricingHarness(client: live.client, bus: live.bus, key: live.key, database: live.database, service: service, admin: admin))
        }
    }

    /// A signed-in learner, optionally a member of an organisation.
    func user(organization: UUID? = nil) async throws -> Caller {
        let id = UUID()
        return Caller(id: id, token: try await key.token(subject: id.lowercasedText, roles: ["student"],
                                                         organization: organization?.lowercasedText))
    }

    func instructor() async throws -> Caller {
        let id = UUID()
        return Caller(id: id, token: try await key.token(subject: id.lowercasedText, roles: ["student", "instructor"]))
    }

    func send(_ method: HTTPRequest.Method, _ path: String, json body: Any? = nil, as caller: Caller? = nil) async throws -> TestAnswer {
        try await client.send(method, path, json: body, token: caller?.token)
    }

    /// Puts a product in the price book with a base price, as an administrator.
    @discardableResult
    func product(_ ref: String, price amount: Int64, currency: String = "USD", category: String? = nil, owner: UUID? = nil) async throws -> String {
        var body: [String: Any] = ["title": "Product \(ref)"]
        if let category { body["category"] = category }
        if let owner { body["ownerId"] = owner.uuidString }
        let saved = try await send(.put, "/pricing/products/\(ref)", json: body, as: admin)
        guard saved.status == .created || saved.status == .ok else { throw HarnessError("saving \(ref) answered \(saved.status): \(saved.text)") }
        try await price(ref, amount, currency: currency)
        return ref
    }

    func price(_ ref: String, _ amount: Int64, currency: String = "USD", country: String? = nil) async throws {
        var body: [String: Any] = ["amount": amount, "currency": currency]
        if let country { body["country"] = country }
        let answer = try await send(.post, "/pricing/products/\(ref)/prices", json: body, as: admin)
        guard answer.status == .created else { throw HarnessError("pricing \(ref) answered \(answer.status): \(answer.text)") }
    }

    func coupon(_ body: [String: Any]) async throws -> TestAnswer {
        try await send(.post, "/pricing/coupons", json: body, as: admin)
    }

    /// Asks for a quote for the items (`ref` or `(ref, quantity)`).
    func quote(_ items: [(String, Int)], currency: String = "USD", country: String? = nil, coupons: [String] = [],
               as caller: Caller) async throws -> TestAnswer {
        var body: [String: Any] = ["items": items.map { ["productRef": $0.0, "quantity": $0.1] }, "currency": currency,
                                   "couponCodes": coupons]
        if let country { body["country"] = country }
        return try await send(.post, "/pricing/quote", json: body, as: caller)
    }
}

extension TestAnswer {
    /// The quote's lines.
    var lines: [[String: Any]] { json["lines"] as? [[String: Any]] ?? [] }
    /// The quote's rule outcomes.
    var rules: [[String: Any]] { json["rules"] as? [[String: Any]] ?? [] }
}
