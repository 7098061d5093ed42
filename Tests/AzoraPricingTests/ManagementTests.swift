import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import AzoraPricing

@Suite struct ManagementTests {
    /// Instructors manage the prices, strategy and coupons of their own products only.
    @Test func instructorsManageOnlyTheirOwnProducts() async throws {
        try await PricingHarness.run { pricing in
            let ada = try await pricing.instructor()
            let bob = try await pricing.instructor()
            try await pricing.product("course:ada-swift", price: 3_000, owner: ada.id)
            try await pricing.product("course:bob-go", price: 3_000, owner: bob.id)
            let learner = try await pricing.user()

            let priced = try await pricing.send(.post, "/pricing/products/course:ada-swift/prices", json: ["amount": 3_500, "currency": "USD"], as: ada)
            #expect(priced.status == .created && priced["setBy"] == ada.id.lowercasedText, "the token's subject")
            #expect(try await pricing.send(.post, "/pricing/products/course:bob-go/prices", json: ["amount": 1, "currency": "USD"], as: ada).status == .forbidden)
            #expect(try await pricing.send(.put, "/pricing/products/course:new", json: ["title": "x"], as: ada).status == .forbidden)

            let history = try await pricing.send(.get, "/pricing/products/course:ada-swift/prices", as: learner)
            #expect(history.items.map { $0["amount"] as? Int } == [3_500, 3_000])
            let product = try await pricing.send(.get, "/pricing/products/course:ada-swift", as: learner)
            #expect((product.json["currentPrices"] as? [[String: Any]])?.first?["amount"] as? Int == 3_500)

            let strategy: [String: Any] = ["kind": "time", "floorBps": 5_000, "ceilingBps": 10_000, "windows": [[
                "name": "early bird", "startsAt": Timestamp.format(Date().addingTimeInterval(-60)),
                "endsAt": Timestamp.format(Date().addingTimeInterval(3600)), "adjustmentBps": -2_000,
            ]]]
            #expect(try await pricing.send(.put, "/pricing/products/course:ada-swift/strategy", json: strategy, as: ada).status == .ok)
            #expect(try await pricing.send(.put, "/pricing/products/course:bob-go/strategy", json: strategy, as: ada).status == .forbidden)
            var unbounded = strategy
            unbounded["ceilingBps"] = 9_000
            #expect(try await pricing.send(.put, "/pricing/products/course:ada-swift/strategy", json: unbounded, as: ada).fields == ["ceilingBps"])
            let quote = try await pricing.quote([("course:ada-swift", 1)], as: learner)
            #expect(quote.int("total") == 2_800)
            #expect(quote.rules.first?["reason"] as? String ?? "" == "time strategy: time window 'early bird' is open until "
                + ((try await pricing.send(.get, "/pricing/products/course:ada-swift/strategy", as: ada).json["windows"] as? [[String: Any]])?.first?["endsAt"] as? String ?? "")
                + "; -20%")

            // Coupons: an instructor's must name their own products.
            let own = try await pricing.send(.post, "/pricing/coupons", json: ["code": "ADA10", "kind": "percentage", "percentBps": 1_000,
                                                                             "productRefs": ["course:ada-swift"]], as: ada)
            #expect(own.status == .created && own.uuid("ownerId") == ada.id)
            let foreign = try await pricing.send(.post, "/pricing/coupons", json: ["code": "ADA11", "kind": "percentage", "percentBps": 1_000,
                                                                                 "productRefs": ["course:bob-go"]], as: ada)
            #expect(foreign.status == .forbidden && foreign.fields == ["productRefs[0]"])
            let everything = try await pricing.send(.post, "/pricing/coupons", json: ["code": "ADA12", "kind": "percentage", "percentBps": 1_000], as: ada)
            #expect(everything.status == .unprocessableContent)
            #expect(try await pricing.send(.get, "/pricing/coupons", as: ada).items.map { $0["code"] as? String } == ["ADA10"])
            #expect(try await pricing.send(.get, "/pricing/coupons/ADA10", as: bob).status == .forbidden)
            #expect(try await pricing.send(.post, "/pricing/coupons", json: ["code": "X1X", "kind": "percentage", "percentBps": 1], as: learner).status == .forbidden)
            let off = try await pricing.send(.patch, "/pricing/coupons/ada10", json: ["active": false], as: ada)
            #expect(off.json["active"] as? Bool == false)
            #expect(try await pricing.quote([("course:ada-swift", 1)], coupons: ["ADA10"], as: learner).code == "coupon_inactive")
        }
    }

    @Test func promotionsAreCreatedListedAndEnded() async throws {
        try await PricingHarness.run { pricing in
            try await pricing.product("course:a", price: 1_000)
            let flash = try await pricing.send(.post, "/pricing/promotions", json: [
                "name": "flash", "kind": "flash_sale", "percentBps": 3_000, "endsAt": Timestamp.format(Date().addingTimeInterval(3600)),
            ], as: pricing.admin)
            #expect(flash.status == .created)
            let learner = try await pricing.user()
            #expect(try await pricing.quote([("course:a", 1)], as: learner).int("total") == 700)
            #expect(try await pricing.send(.post, "/pricing/promotions", json: ["name": "x", "kind": "flash_sale", "percentBps": 5], as: learner).status == .forbidden)
            let endless = try await pricing.send(.post, "/pricing/promotions", json: ["name": "x", "kind": "flash_sale", "percentBps": 5], as: pricing.admin)
            #expect(endless.fields == ["endsAt"])
            let volume = try await pricing.send(.post, "/pricing/promotions", json: ["name": "v", "kind": "volume", "tiers": [["minQuantity": 1, "percentBps": 0]]],
                                                as: pricing.admin)
            #expect(Set(volume.fields) == ["tiers[0].minQuantity", "tiers[0].percentBps"])
            #expect(try await pricing.send(.get, "/pricing/promotions?live=true", as: learner).items.count == 1)
            let ended = try await pricing.send(.post, "/pricing/promotions/\(flash["id"]!)/end", as: pricing.admin)
            #expect(ended.status == .ok && ended["endsAt"] != nil)
            #expect(try await pricing.quote([("course:a", 1)], as: learner).int("total") == 1_000)
            #expect(try await pricing.send(.get, "/pricing/promotions?live=true", as: learner).items.isEmpty)
        }
    }
}
