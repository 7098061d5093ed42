import Foundation
import Shared
import TestSupport
import Testing

/// Buying a course, priced and quoted, walked through the gateway with the real executables of
/// the gateway, auth-service and azora-pricing on a real PostgreSQL and Redis.
@Suite struct PurchaseJourneyTests {
    @Test func anAdministratorPricesACourseALearnerGetsAQuoteAndPaymentServiceRedeemsIt() async throws {
        let fleet = try await TestFleet.start(["auth-service", "azora-pricing"])
        defer { fleet.stop() }
        let api = fleet.api
        let run = TestNames.unique("purchase")

        // The administrator puts a course in the price book with a launch coupon.
        let admin = try await fleet.adminToken()
        let course = "course:\(UUID().lowercasedText)"
        #expect(try await api.send(.PUT, "/pricing/products/\(course)", json: ["title": "Swift on the server"], token: admin).status == 201)
        #expect(try await api.send(.POST, "/pricing/products/\(course)/prices", json: ["amount": 4_900, "currency": "USD"], token: admin).status == 201)
        #expect(try await api.send(.POST, "/pricing/coupons", json: ["code": "LAUNCH", "kind": "percentage", "percentBps": 2_000, "maxRedemptions": 100],
                                   token: admin).status == 201)

        // A learner signs up and asks for a quote; without a token the gateway refuses.
        let email = "learner-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let password = "correct horse battery staple"
        #expect(try await api.send(.POST, "/auth/register", json: ["email": email, "password": password, "name": "Grace"]).status == 201)
        let learner = try #require(try await api.send(.POST, "/auth/login", json: ["email": email, "password": password])["accessToken"])
        let cart: [String: Any] = ["items": [["productRef": course]], "currency": "USD", "couponCodes": ["launch"]]
        #expect(try await api.send(.POST, "/pricing/quote", json: cart).status == 401)
        let quote = try await api.send(.POST, "/pricing/quote", json: cart, token: learner)
        #expect(quote.status == 201, "\(quote.text)")
        #expect((quote.json["total"] as? Int) == 3_920)
        let quoteId = try #require(quote["id"])
        // Anyone may fetch the keys that verify the quote's signature.
        let keys = try await api.send(.GET, "/pricing/quote-keys")
        #expect(keys.status == 200 && (keys.json["keys"] as? [[String: Any]])?.count == 1)

        // payment-service, with its own client credentials, redeems the quote once.
        let form = "grant_type=client_credentials&client_id=payment-service&client_secret=\(fleet.clientSecret(for: "payment-service"))"
        let credentials = try await api.send(.POST, "/auth/token", body: Data(form.utf8), contentType: "application/x-www-form-urlencoded")
        let service = try #require(credentials["access_token"], "\(credentials.text)")
        #expect(try await api.send(.POST, "/pricing/quotes/\(quoteId)/redeem", json: ["paymentId": "pay_\(run)"], token: learner).status == 403)
        let redeemed = try await api.send(.POST, "/pricing/quotes/\(quoteId)/redeem", json: ["paymentId": "pay_\(run)"], token: service)
        #expect(redeemed.status == 200 && redeemed["status"] == "redeemed", "\(redeemed.text)")
        let twice = try await api.send(.POST, "/pricing/quotes/\(quoteId)/redeem", json: ["paymentId": "pay_other"], token: service)
        #expect(twice.status == 409 && twice["code"] == "quote_already_redeemed")
        #expect(try await api.send(.GET, "/pricing/quotes/\(quoteId)", token: learner)["status"] == "redeemed")
    }
}
