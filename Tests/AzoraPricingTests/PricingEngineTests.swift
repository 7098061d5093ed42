import Foundation
import Shared
import Testing

@testable import AzoraPricing

@Suite struct PricingEngineTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let buyer = Buyer(id: UUID(uuidString: "0190b9a0-0000-7000-8000-000000000001")!, organizationId: nil)
    static let usd = Currency(code: "USD")!

    static func cart(_ lines: [(String, Int)], currency: String = "USD", country: String? = nil, coupons: [String] = [],
                     buyer: Buyer = buyer) -> Cart {
        Cart(lines: lines.map { Cart.Line(ref: ProductRef($0.0)!, quantity: $0.1) }, currency: Currency(code: currency)!, country: country,
             couponCodes: coupons, buyer: buyer)
    }

    static func inputs(_ prices: [String: Int64], currency: String = "USD") -> PricingInputs {
        var inputs = PricingInputs()
        for (ref, amount) in prices {
            let product = ProductRef(ref)!
            inputs.products[product] = .init(title: ref, category: nil)
            inputs.prices[PriceKey(product: product, currency: currency, country: nil)] = amount
        }
        return inputs
    }

    static func coupon(_ code: String, _ discount: CouponDiscount, products: [String] = [], stackable: Bool = true,
                       minOrder: Money? = nil, endsAt: Date? = nil, maxRedemptions: Int? = nil, redemptions: Int = 0,
                       firstPurchaseOnly: Bool = false) -> Coupon {
        Coupon(id: UUID(), code: code, discount: discount, minOrder: minOrder, productRefs: products, categories: [],
               firstPurchaseOnly: firstPurchaseOnly, stackable: stackable, startsAt: nil, endsAt: endsAt,
               maxRedemptions: maxRedemptions, maxPerUser: nil, redemptions: redemptions, active: true, ownerId: nil)
    }

    @Test func percentagesRoundHalfToEvenAndAllocationsAddUp() {
        #expect(MinorUnits.share(of: 25, bps: 1000) == 2)   // 2.5 → 2
        #expect(MinorUnits.share(of: 35, bps: 1000) == 4)   // 3.5 → 4
        #expect(MinorUnits.share(of: 26, bps: 1000) == 3)   // 2.6 → 3
        #expect(MinorUnits.share(of: 25, bps: -1000) == -2)
        #expect(MinorUnits.share(of: 35, bps: -1000) == -4)
        #expect(MinorUnits.share(of: Int64.max / 2, bps: 10_000) == Int64.max / 2)
        #expect(MinorUnits.allocate(100, across: [1, 1, 1]) == [34, 33, 33])
        #expect(MinorUnits.allocate(10, across: [500, 300, 200]) == [5, 3, 2])
        #expect(MinorUnits.allocate(0, across: [5, 5]) == [0, 0])
    }

    /// The documented order on one cart: strategy held at its floor, the best promotion per
    /// line, then percentage coupons before fixed ones, every step explained.
    @Test func theDocumentedOrderIsFollowedAndExplained() throws {
        var inputs = Self.inputs(["course:a": 10_000, "course:b": 5_000, "course:c": 2_000])
        inputs.strategies[ProductRef("course:a")!] = Strategy(floorBps: 8_000, ceilingBps: 12_000, rule: .time(windows: [
            TimeWindow(name: "launch", startsAt: Self.now.addingTimeInterval(-60), endsAt: Self.now.addingTimeInterval(60), adjustmentBps: -5_000),
        ]))
        inputs.promotions = [
            Promotion(id: UUID(), name: "spring", rule: .flashSale(percentBps: 1_000), productRefs: [], categories: [],
                      startsAt: Self.now.addingTimeInterval(-10), endsAt: Self.now.addingTimeInterval(10)),
            Promotion(id: UUID(), name: "pair", rule: .bundle(percentBps: 2_000), productRefs: ["course:a", "course:b"], categories: [],
                      startsAt: Self.now.addingTimeInterval(-10), endsAt: nil),
            Promotion(id: UUID(), name: "trio", rule: .bundle(percentBps: 5_000), productRefs: ["course:a", "course:z"], categories: [],
                      startsAt: Self.now.addingTimeInterval(-10), endsAt: nil),
        ]
        inputs.coupons = ["FIVE": Self.coupon("FIVE", .fixed(Money(amount: 500, currency: "USD"))),
                          "TEN": Self.coupon("TEN", .percentage(bps: 1_000), products: ["course:c"])]
        let priced = try PricingEngine.price(Self.cart([("course:a", 1), ("course:b", 2), ("course:c", 1)], coupons: ["FIVE", "TEN"]),
                                             inputs: inputs, now: Self.now)
        let a = priced.lines[0], b = priced.lines[1], c = priced.lines[2]
        // course:a: -50% wanted, held at the 80% floor.
        #expect(a.unitListPrice == 8_000 && a.strategyAdjustment == -2_000)
        // The bundle (20%) beats the flash sale (10%) on a and b; c gets the flash sale.
        #expect(a.discounts.first?.name == "pair" && a.discounts.first?.amount == 1_600)
        #expect(b.listAmount == 10_000 && b.discounts.first?.amount == 2_000)
        #expect(c.discounts.first?.name == "spring" && c.discounts.first?.amount == 200)
        // TEN (percentage) applies before FIVE (fixed) although typed after it.
        #expect(c.discounts[1].name == "coupon TEN" && c.discounts[1].amount == 180)
        // FIVE spreads 500 over what is left: 6400, 8000, 1620 → 14020.
        let five = priced.lines.map { $0.discounts.first { $0.ref == "FIVE" }?.amount ?? 0 }
        #expect(five.reduce(0, +) == 500)
        #expect(priced.total == priced.lines.reduce(0) { $0 + $1.total })
        #expect(priced.total == 8_000 + 10_000 + 2_000 - 1_600 - 2_000 - 200 - 180 - 500)
        #expect(priced.discountTotal == priced.subtotal - priced.total)
        // Every rule is accounted for.
        let outcomes = Dictionary(priced.rules.map { ($0.ref, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(outcomes["course:a"]?.reason.contains("held at the floor") == true)
        #expect(outcomes[inputs.promotions[2].id.lowercasedText]?.applied == false)
        #expect(outcomes[inputs.promotions[2].id.lowercasedText]?.reason.contains("course:z") == true)
        #expect(outcomes["TEN"]?.applied == true && outcomes["FIVE"]?.applied == true)
        #expect(priced.couponIds == [inputs.coupons["TEN"]!.id, inputs.coupons["FIVE"]!.id])
    }

    @Test func regionalPricesPurchasingPowerAndFallbackCurrency() throws {
        var inputs = Self.inputs(["course:a": 10_000, "course:b": 4_000])
        inputs.prices[PriceKey(product: ProductRef("course:a")!, currency: "USD", country: "IN")] = 2_500
        inputs.region = Region(country: "IN", pppBps: 4_000, fallbackCurrency: "USD")
        // No INR prices: the region's fallback currency is quoted.
        let priced = try PricingEngine.price(Self.cart([("course:a", 1), ("course:b", 1)], currency: "INR", country: "IN"),
                                             inputs: inputs, now: Self.now)
        #expect(priced.currency == "USD" && priced.requestedCurrency == "INR")
        #expect(priced.lines[0].unitBasePrice == 2_500 && priced.lines[0].basePriceSource.contains("regional"))
        #expect(priced.lines[1].unitBasePrice == 1_600)
        #expect(priced.rules.contains { $0.kind == .currency && $0.applied })
        #expect(priced.rules.contains { $0.kind == .region && $0.applied })
        // A product priced in no candidate currency is refused, naming the item.
        inputs.products[ProductRef("course:x")!] = .init(title: "x", category: nil)
        let error = #expect(throws: Problem.self) {
            try PricingEngine.price(Self.cart([("course:a", 1), ("course:x", 1)], currency: "USD"), inputs: inputs, now: Self.now)
        }
        #expect(error?.code == "no_price" && error?.fieldErrors.map(\.field) == ["items[1].productRef"])
    }

    @Test func aNegotiatedPriceReplacesTheListPriceAndTakesNoCoupon() throws {
        let organization = UUID()
        var inputs = Self.inputs(["course:a": 10_000, "course:b": 3_000])
        inputs.enterprisePrices[PriceKey(product: ProductRef("course:a")!, currency: "USD", country: nil)] = 7_000
        inputs.enterprisePrices[PriceKey(product: ProductRef("course:b")!, currency: "USD", country: nil)] = 3_500
        inputs.coupons = ["ALL": Self.coupon("ALL", .percentage(bps: 5_000))]
        let member = Buyer(id: UUID(), organizationId: organization)
        let priced = try PricingEngine.price(Self.cart([("course:a", 2), ("course:b", 1)], coupons: ["ALL"], buyer: member),
                                             inputs: inputs, now: Self.now)
        #expect(priced.lines[0].total == 14_000 && priced.lines[0].discounts.map(\.source) == [.enterprisePrice])
        #expect(priced.lines[1].total == 1_500)
        // A coupon covering only the negotiated line is refused with the reason.
        inputs.coupons = ["ONLYA": Self.coupon("ONLYA", .percentage(bps: 5_000), products: ["course:a"])]
        let error = #expect(throws: Problem.self) {
            try PricingEngine.price(Self.cart([("course:a", 1)], coupons: ["ONLYA"], buyer: member), inputs: inputs, now: Self.now)
        }
        #expect(error?.code == "coupon_not_applicable" && error?.detail.contains("negotiated") == true)
    }

    @Test func unusableCouponsAreRefusedNamingTheCodeAndWhy() throws {
        var inputs = Self.inputs(["course:a": 10_000, "course:b": 1_000])
        inputs.coupons = [
            "OLD": Self.coupon("OLD", .percentage(bps: 1_000), endsAt: Self.now.addingTimeInterval(-1)),
            "OTHER": Self.coupon("OTHER", .percentage(bps: 1_000), products: ["course:zzz"]),
            "GONE": Self.coupon("GONE", .percentage(bps: 1_000), maxRedemptions: 3, redemptions: 3),
            "EUROS": Self.coupon("EUROS", .fixed(Money(amount: 100, currency: "EUR"))),
            "BIG": Self.coupon("BIG", .percentage(bps: 1_000), minOrder: Money(amount: 50_000, currency: "USD")),
            "SOLO": Self.coupon("SOLO", .percentage(bps: 1_000), stackable: false),
            "NEW": Self.coupon("NEW", .percentage(bps: 1_000), firstPurchaseOnly: true),
            "OK": Self.coupon("OK", .percentage(bps: 1_000)),
        ]
        inputs.buyerPurchases = 2
        func refusal(_ codes: [String]) -> Problem? {
            #expect(throws: Problem.self) { try PricingEngine.price(Self.cart([("course:a", 1)], coupons: codes), inputs: inputs, now: Self.now) }
        }
        #expect(refusal(["OLD"])?.code == "coupon_expired")
        #expect(refusal(["OK", "OTHER"])?.fieldErrors.map(\.field) == ["couponCodes[1]"])
        #expect(refusal(["OTHER"])?.code == "coupon_not_applicable")
        #expect(refusal(["GONE"])?.code == "coupon_exhausted")
        #expect(refusal(["EUROS"])?.code == "coupon_currency_mismatch")
        #expect(refusal(["BIG"])?.code == "coupon_min_order_not_met")
        #expect(refusal(["OK", "SOLO"])?.code == "coupon_not_combinable")
        #expect(refusal(["NEW"])?.code == "coupon_first_purchase_only")
        #expect(refusal(["NOPE"])?.code == "coupon_unknown")
        #expect(try PricingEngine.price(Self.cart([("course:a", 1)], coupons: ["SOLO"]), inputs: inputs, now: Self.now).total == 9_000)
    }

    @Test func experimentBucketingIsStableAndFollowsTheWeights() {
        let variants = [Variant(name: "control", weight: 3, adjustmentBps: 0), Variant(name: "higher", weight: 1, adjustmentBps: 1_000)]
        var counts: [String: Int] = [:]
        for index in 0..<8_000 {
            let buyer = UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", index))!
            let variant = Strategy.bucket(buyer, into: variants, experiment: "price-test")
            #expect(Strategy.bucket(buyer, into: variants, experiment: "price-test") == variant)
            counts[variant.name, default: 0] += 1
        }
        // 3:1 within a few percent.
        #expect((5_700...6_300).contains(counts["control"] ?? 0))
        // A recorded variant is kept even when bucketing would now choose another.
        let strategy = Strategy(floorBps: 0, ceilingBps: 20_000, rule: .experiment(key: "price-test", variants: variants))
        let decision = strategy.decide(now: Self.now, market: MarketSignals(), buyerId: Self.buyer.id, recordedVariant: "higher")
        #expect(decision.adjustmentBps == 1_000 && decision.assignment?.variant == "higher")
    }

    @Test func demandAndCapacityStrategiesReadTheMarket() {
        let demand = Strategy(floorBps: 10_000, ceilingBps: 15_000, rule: .demand(windowHours: 24, tiers: [
            DemandTier(minEnrollments: 10, adjustmentBps: 500), DemandTier(minEnrollments: 50, adjustmentBps: 2_000),
        ]))
        #expect(demand.decide(now: Self.now, market: MarketSignals(recentEnrollments: 9), buyerId: Self.buyer.id, recordedVariant: nil).adjustmentBps == nil)
        #expect(demand.decide(now: Self.now, market: MarketSignals(recentEnrollments: 60), buyerId: Self.buyer.id, recordedVariant: nil).adjustmentBps == 2_000)
        let capacity = Strategy(floorBps: 10_000, ceilingBps: 15_000, rule: .capacity(capacity: 20, tiers: [
            CapacityTier(minFilledPercent: 50, adjustmentBps: 1_000), CapacityTier(minFilledPercent: 90, adjustmentBps: 3_000),
        ]))
        #expect(capacity.decide(now: Self.now, market: MarketSignals(seatsTaken: 9), buyerId: Self.buyer.id, recordedVariant: nil).adjustmentBps == nil)
        #expect(capacity.decide(now: Self.now, market: MarketSignals(seatsTaken: 18), buyerId: Self.buyer.id, recordedVariant: nil).adjustmentBps == 3_000)
    }
}

extension PricingEngineTests {
    /// The hand-built JSON of a quote is exactly what its Codable form writes, its directly
    /// written text is exactly that value's text, and it reads back to the same priced cart.
    @Test func theHandWrittenJSONMatchesTheCodableForm() throws {
        var inputs = Self.inputs(["course:a": 10_000, "course:b": 5_000])
        inputs.products[ProductRef("course:b")!] = .init(title: "Say \"hi\" \\ / é\n", category: nil)
        inputs.coupons = ["TEN": Self.coupon("TEN", .percentage(bps: 1_000))]
        inputs.strategies[ProductRef("course:a")!] = Strategy(floorBps: 0, ceilingBps: 20_000, rule: .experiment(key: "x", variants: [
            Variant(name: "a", weight: 1, adjustmentBps: 100), Variant(name: "b", weight: 1, adjustmentBps: 200),
        ]))
        let priced = try PricingEngine.price(Self.cart([("course:a", 2), ("course:b", 1)], country: "DE", coupons: ["TEN"]),
                                             inputs: inputs, now: Self.now)
        let viaCodable = try JSONCoding.makeDecoder().decode(JSONValue.self, from: JSONCoding.makeEncoder().encode(priced))
        #expect(priced.jsonValue == viaCodable)
        let text = JSONText.write(priced.jsonValue)
        #expect(priced.jsonText == text)
        #expect(try JSONCoding.makeDecoder().decode(PricedCart.self, from: Data(text.utf8)) == priced)
    }
}
