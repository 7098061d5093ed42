import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import AzoraPricing

@Suite struct RedemptionRaceTests {
    /// N buyers hold quotes with a coupon that has M < N uses left and pay at the same moment:
    /// exactly M redemptions succeed, the others are refused, and the coupon's count is M.
    @Test func buyersRacingForTheLastUsesOfACouponNeverExceedItsLimit() async throws {
        try await PricingHarness.run { pricing in
            try await pricing.product("course:a", price: 2_000)
            #expect(try await pricing.coupon(["code": "LAST5", "kind": "percentage", "percentBps": 2_500, "maxRedemptions": 5]).status == .created)
            var quoteIds: [String] = []
            for _ in 0..<24 {
                let quote = try await pricing.quote([("course:a", 1)], coupons: ["LAST5"], as: try await pricing.user())
                quoteIds.append(try #require(quote["id"]))
            }
            let answers = try await pricing.client.sendConcurrently(
                quoteIds.enumerated().map { (.post, "/pricing/quotes/\($1)/redeem", ["paymentId": "pay_\($0)"]) }, token: pricing.service.token)
            #expect(answers.filter { $0.status == .ok }.count == 5)
            #expect(answers.filter { $0.status == .conflict }.allSatisfy { $0.code == "coupon_exhausted" })
            #expect(answers.filter { $0.status == .conflict }.count == 19)
            #expect(try await pricing.send(.get, "/pricing/coupons/LAST5", as: pricing.admin).int("redemptions") == 5)
            #expect(try await pricing.send(.get, "/pricing/coupons/LAST5/redemptions", as: pricing.admin).items.count == 5)
            // The refused quotes are still open: nothing of them was kept.
            let open = try await pricing.database.queryFirst("SELECT count(*) AS open FROM quotes WHERE status = 'open'")
            #expect(try open?.decode("open", as: Int64.self) == 19)
            // Once exhausted, the coupon is refused at quote time.
            #expect(try await pricing.quote([("course:a", 1)], coupons: ["LAST5"], as: try await pricing.user()).code == "coupon_exhausted")
        }
    }

    /// One buyer with two quotes for a once-per-buyer coupon, paying both at once: one wins.
    @Test func aPerBuyerLimitHoldsUnderConcurrentPayments() async throws {
        try await PricingHarness.run { pricing in
            try await pricing.product("course:a", price: 2_000)
            #expect(try await pricing.coupon(["code": "ONCE", "kind": "fixed", "amount": ["amount": 300, "currency": "USD"], "maxPerUser": 1]).status == .created)
            let learner = try await pricing.user()
            var quoteIds: [String] = []
            for _ in 0..<6 {
                quoteIds.append(try #require(try await pricing.quote([("course:a", 1)], coupons: ["ONCE"], as: learner)["id"]))
            }
            let answers = try await pricing.client.sendConcurrently(
                quoteIds.enumerated().map { (.post, "/pricing/quotes/\($1)/redeem", ["paymentId": "once_\($0)"]) }, token: pricing.service.token)
            #expect(answers.filter { $0.status == .ok }.count == 1)
            #expect(answers.filter { $0.status == .conflict }.allSatisfy { $0.code == "coupon_limit_reached" })
            #expect(try await pricing.quote([("course:a", 1)], coupons: ["ONCE"], as: learner).code == "coupon_limit_reached")
        }
    }
}
