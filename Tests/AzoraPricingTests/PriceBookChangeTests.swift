import Foundation
import Shared
import Testing
import TestSupport

@testable import AzoraPricing

/// The service keeps the price book in memory between quotes; a quote must still price from the
/// book as it stands, so every kind of change shows in the very next quote.
@Suite struct PriceBookChangeTests {
    @Test func theNextQuoteSeesEveryChangeToThePriceBook() async throws {
        try await PricingHarness.run { pricing in
            try await pricing.product("course:cached", price: 10_000, category: "design")
            let learner = try await pricing.user()
            func total(country: String? = nil) async throws -> Int64? {
                let quote = try await pricing.quote([("course:cached", 1)], country: country, as: learner)
                #expect(quote.status == .created, "\(quote.text)")
                return quote.int("total")
            }
            #expect(try await total() == 10_000)

            try await pricing.price("course:cached", 12_000)
            #expect(try await total() == 12_000)

            let strategy = try await pricing.send(.put, "/pricing/products/course:cached/strategy", json: [
                "kind": "time", "floorBps": 5_000, "ceilingBps": 20_000,
                "windows": [["name": "sale", "startsAt": Timestamp.format(Date(timeIntervalSinceNow: -60)),
                             "endsAt": Timestamp.format(Date(timeIntervalSinceNow: 3_600)), "adjustmentBps": -2_500]],
            ], as: pricing.admin)
            #expect(strategy.status == .ok, "\(strategy.text)")
            #expect(try await total() == 9_000)
            #expect(try await pricing.send(.delete, "/pricing/products/course:cached/strategy", as: pricing.admin).status == .noContent)
            #expect(try await total() == 12_000)

            #expect(try await total(country: "PT") == 12_000)
            #expect(try await pricing.send(.put, "/pricing/regions/PT", json: ["pppBps": 5_000, "fallbackCurrency": "USD"],
                                           as: pricing.admin).status == .ok)
            #expect(try await total(country: "PT") == 6_000)

            let promotion = try await pricing.send(.post, "/pricing/promotions", json: [
                "name": "design week", "kind": "flash_sale", "percentBps": 1_000, "categories": ["design"],
                "endsAt": Timestamp.format(Date(timeIntervalSinceNow: 3_600)),
            ], as: pricing.admin)
            #expect(promotion.status == .created, "\(promotion.text)")
            #expect(try await total() == 10_800)
            // Moving the product out of the promotion's category takes it out of the sale.
            #expect(try await pricing.send(.put, "/pricing/products/course:cached", json: ["title": "Cached", "category": "other"],
                                           as: pricing.admin).status == .ok)
            #expect(try await total() == 12_000)

            // A price set to start later takes over when its moment comes, with no other change.
            let later = try await pricing.send(.post, "/pricing/products/course:cached/prices", json: [
                "amount": 15_000, "currency": "USD", "effectiveFrom": Timestamp.format(Date(timeIntervalSinceNow: 1.5)),
            ], as: pricing.admin)
            #expect(later.status == .created, "\(later.text)")
            #expect(try await total() == 12_000)
            try await Task.sleep(for: .seconds(2))
            #expect(try await total() == 15_000)
        }
    }
}
