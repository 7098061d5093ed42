import Crypto
import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import AzoraPricing

@Suite struct QuoteTests {
    /// A learner's quote: itemized, explained, signed with the published key, valid until it
    /// expires, redeemed once by payment-service.
    @Test func aQuoteIsItemizedSignedAndRedeemedOnce() async throws {
        try await PricingHarness.run { pricing in
            try await pricing.product("course:swift", price: 4_999, category: "programming")
            try await pricing.product("course:sql", price: 2_999, category: "programming")
            let bundle = try await pricing.send(.post, "/pricing/promotions", json: [
                "name": "swift and sql", "kind": "bundle", "percentBps": 1_000, "productRefs": ["course:swift", "course:sql"],
            ], as: pricing.admin)
            #expect(bundle.status == .created)
            #expect(try await pricing.coupon(["code": "welcome5", "kind": "fixed", "amount": ["amount": 500, "currency": "USD"]]).status == .created)
            let learner = try await pricing.user()
            let quote = try await pricing.quote([("course:swift", 1), ("course:sql", 1)], coupons: ["WELCOME5"], as: learner)
            #expect(quote.status == .created, "\(quote.text)")
            // 4999 + 2999 = 7998; bundle 10%: 500 + 300; coupon 500 spread over 4499 and 2699.
            #expect(quote.int("subtotal") == 7_998)
            #expect(quote.int("total") == 6_698)
            #expect(quote.uuid("buyerId") == learner.id)
            #expect(quote.json["valid"] as? Bool == true)
            #expect(quote.lines.count == 2 && (quote.lines[0]["discounts"] as? [[String: Any]])?.count == 2)
            #expect(quote.rules.contains { $0["kind"] as? String == "coupon" && $0["applied"] as? Bool == true })

            // The signature verifies against the published key over the documented text.
            let keys = try await pricing.send(.get, "/pricing/quote-keys")
            let jwk = try #require((keys.json["keys"] as? [[String: Any]])?.first)
            let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Data(base64URLEncoded: jwk["x"] as! String)))
            let signature = try #require(quote.json["signature"] as? [String: Any])
            #expect(signature["keyId"] as? String == jwk["kid"] as? String)
            let lines = quote.lines.map { "\($0["productRef"]!) \($0["quantity"]!) \($0["total"]!)" }
            let text = (["azora-quote-v1", quote["id"]!, quote["buyerId"]!, quote["currency"]!, "\(quote.int("total")!)", quote["expiresAt"]!]
                        + lines).joined(separator: "\n")
            let value = try #require(Data(base64URLEncoded: signature["value"] as! String))
            #expect(publicKey.isValidSignature(value, for: Data(text.utf8)))
            #expect(!publicKey.isValidSignature(value, for: Data(text.replacingOccurrences(of: "\n\(quote.int("total")!)\n", with: "\n1\n").utf8)))

            // Only the buyer (and the fleet) read it; only the fleet redeems it.
            let path = "/pricing/quotes/\(quote["id"]!)"
            #expect(try await pricing.send(.get, path, as: learner).int("total") == quote.int("total"))
            #expect(try await pricing.send(.get, path, as: try await pricing.user()).status == .forbidden)
            #expect(try await pricing.send(.post, "\(path)/redeem", json: ["paymentId": "pay_1"], as: learner).status == .forbidden)
            let redeemed = try await pricing.send(.post, "\(path)/redeem", json: ["paymentId": "pay_1"], as: pricing.service)
            #expect(redeemed.status == .ok && redeemed["status"] == "redeemed" && redeemed.json["valid"] as? Bool == false)
            // The same payment again is harmless; another one is refused.
            #expect(try await pricing.send(.post, "\(path)/redeem", json: ["paymentId": "pay_1"], as: pricing.service).status == .ok)
            let again = try await pricing.send(.post, "\(path)/redeem", json: ["paymentId": "pay_2"], as: pricing.service)
            #expect(again.status == .conflict && again.code == "quote_already_redeemed")
            // A payment pays one quote: another quote redeemed with it is refused, and its coupon use is not consumed.
            let other = try await pricing.quote([("course:sql", 1)], coupons: ["WELCOME5"], as: try await pricing.user())
            let otherPath = "/pricing/quotes/\(other["id"]!)"
            let reused = try await pricing.send(.post, "\(otherPath)/redeem", json: ["paymentId": "pay_1"], as: pricing.service)
            #expect(reused.status == .conflict && reused.code == "payment_already_used", "\(reused.text)")
            #expect(reused.text.contains("paymentId"))
            #expect(try await pricing.send(.get, otherPath, as: pricing.service)["status"] == "open")
            let coupon = try await pricing.send(.get, "/pricing/coupons/WELCOME5", as: pricing.admin)
            #expect(coupon.int("redemptions") == 1)
            let events = try await pricing.bus.waitForEvents(ofType: "pricing.quote.redeemed")
            #expect(events.first?.subject.flatMap(UUID.init(uuidString:)) == quote.uuid("id"))
        }
    }

    @Test func anExpiredQuoteIsRefusedAndChangesNothing() async throws {
        try await PricingHarness.run { pricing in
            try await pricing.product("course:a", price: 1_000)
            #expect(try await pricing.coupon(["code": "HALF", "kind": "percentage", "percentBps": 5_000, "maxRedemptions": 1]).status == .created)
            let quote = try await pricing.quote([("course:a", 1)], coupons: ["HALF"], as: try await pricing.user())
            #expect(quote.int("total") == 500)
            try await pricing.database.execute("UPDATE quotes SET expires_at = now() - interval '1 second'")
            let path = "/pricing/quotes/\(quote["id"]!)"
            #expect(try await pricing.send(.get, path, as: pricing.service).json["valid"] as? Bool == false)
            let refused = try await pricing.send(.post, "\(path)/redeem", json: [:], as: pricing.service)
            #expect(refused.status == .conflict && refused.code == "quote_expired")
            #expect(try await pricing.send(.get, "/pricing/coupons/HALF", as: pricing.admin).int("redemptions") == 0)
            #expect(try await pricing.send(.post, "/pricing/quotes/\(UUID())/redeem", json: [:], as: pricing.service).status == .notFound)
        }
    }

    /// Bad input is refused with the field named, and nothing is recorded.
    @Test func badInputIsRefusedNamingTheField() async throws {
        try await PricingHarness.run { pricing in
            try await pricing.product("course:a", price: 1_000)
            try await pricing.product("course:b", price: 2_000)
            let learner = try await pricing.user()
            let unknownCurrency = try await pricing.quote([("course:a", 1)], currency: "XYZ", as: learner)
            #expect(unknownCurrency.status == .unprocessableContent && unknownCurrency.fields == ["currency"])
            let badItems = try await pricing.send(.post, "/pricing/quote", json: [
                "items": [["productRef": "course:a", "quantity": 0], ["productRef": "lesson:x"], ["productRef": "course:nope"]],
                "currency": "USD", "country": "usa",
            ], as: learner)
            #expect(Set(badItems.fields) == ["items[0].quantity", "items[1].productRef", "country"])
            let unknown = try await pricing.quote([("course:nope", 1)], as: learner)
            #expect(unknown.code == "product_not_found" && unknown.fields == ["items[0].productRef"])
            let negative = try await pricing.send(.post, "/pricing/products/course:a/prices", json: ["amount": -5, "currency": "USD"], as: pricing.admin)
            #expect(negative.status == .unprocessableContent && negative.fields == ["amount"])
            let fraction = try await pricing.send(.post, "/pricing/products/course:a/prices", json: ["amount": 1.5, "currency": "USD"], as: pricing.admin)
            #expect(fraction.status == .unprocessableContent && fraction.fields == ["amount"])

            let past = Timestamp.format(Date().addingTimeInterval(-3600))
            #expect(try await pricing.coupon(["code": "OLD", "kind": "percentage", "percentBps": 1_000, "endsAt": past,
                                              "startsAt": Timestamp.format(Date().addingTimeInterval(-7200))]).status == .created)
            #expect(try await pricing.coupon(["code": "BONLY", "kind": "percentage", "percentBps": 1_000, "productRefs": ["course:b"]]).status == .created)
            let expired = try await pricing.quote([("course:a", 1)], coupons: ["old"], as: learner)
            #expect(expired.code == "coupon_expired" && expired.fields == ["couponCodes[0]"])
            let elsewhere = try await pricing.quote([("course:a", 1)], coupons: ["BONLY"], as: learner)
            #expect(elsewhere.code == "coupon_not_applicable" && (elsewhere["detail"] ?? "").contains("course:b"))
            let badCoupon = try await pricing.coupon(["code": "x", "kind": "fixed", "percentBps": 10])
            #expect(Set(badCoupon.fields) == ["code", "amount", "percentBps"])
            #expect(try await pricing.coupon(["code": "BONLY", "kind": "percentage", "percentBps": 5]).code == "coupon_code_taken")
            let noQuotes = try await pricing.send(.get, "/pricing/quotes", as: learner)
            #expect(noQuotes.items.isEmpty)
        }
    }

    @Test func regionalPricesAndNegotiatedPricesReachTheQuote() async throws {
        try await PricingHarness.run { pricing in
            try await pricing.product("course:a", price: 10_000)
            try await pricing.price("course:a", 90_000, currency: "INR", country: "IN")
            try await pricing.product("course:b", price: 5_000)
            #expect(try await pricing.send(.put, "/pricing/regions/BR", json: ["pppBps": 5_000, "fallbackCurrency": "USD"], as: pricing.admin).status == .ok)
            let learner = try await pricing.user()
            // Brazil: no BRL prices, so USD at half the base price.
            let brazil = try await pricing.quote([("course:a", 1), ("course:b", 1)], currency: "BRL", country: "BR", as: learner)
            #expect(brazil["currency"] == "USD" && brazil.int("total") == 7_500)
            // India has a regional INR price for course:a only, so INR cannot price the cart: USD.
            let india = try await pricing.quote([("course:a", 1)], currency: "INR", country: "IN", as: learner)
            #expect(india["currency"] == "INR" && india.int("total") == 90_000)

            let organization = UUID()
            #expect(try await pricing.send(.put, "/pricing/enterprise/\(organization)/prices/course:a", json: ["amount": 6_000, "currency": "USD"],
                                           as: pricing.admin).status == .ok)
            let member = try await pricing.user(organization: organization)
            let negotiated = try await pricing.quote([("course:a", 3)], as: member)
            #expect(negotiated.int("total") == 18_000)
            #expect(try await pricing.quote([("course:a", 3)], as: learner).int("total") == 30_000)
            #expect(try await pricing.send(.get, "/pricing/enterprise/\(organization)/prices", as: member).items.count == 1)
            #expect(try await pricing.send(.get, "/pricing/enterprise/\(organization)/prices", as: learner).status == .forbidden)
        }
    }
}
