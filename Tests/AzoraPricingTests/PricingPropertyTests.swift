import Foundation
import Shared
import Testing
import TestSupport

@testable import AzoraPricing

/// Generated carts against generated rule sets: whatever the rules, the quote's arithmetic holds.
@Suite struct PricingPropertyTests {
    static let now = PricingEngineTests.now

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func quotesAddUpNeverGoNegativeAndRepeatExactly(seed: UInt64) throws {
        var random = SplitMix(seed: seed)
        var priced = 0
        for _ in 0..<500 {
            let (cart, inputs) = Self.generate(&random)
            let quote: PricedCart
            do {
                quote = try PricingEngine.price(cart, inputs: inputs, now: Self.now)
            } catch let refusal as Problem {
                // Refusals are allowed (a coupon may not fit the cart) but must name a coupon.
                #expect(refusal.fieldErrors.allSatisfy { $0.field.hasPrefix("couponCodes[") }, "\(refusal)")
                continue
            }
            priced += 1
            #expect(quote.total >= 0)
            #expect(quote.total == quote.lines.reduce(0) { $0 + $1.total })
            #expect(quote.subtotal == quote.lines.reduce(0) { $0 + $1.listAmount })
            #expect(quote.discountTotal == quote.subtotal - quote.total)
            for line in quote.lines {
                #expect(line.listAmount == line.unitListPrice * Int64(line.quantity))
                #expect(line.unitListPrice >= 0)
                // No discount exceeds what was left to discount when it was applied.
                var left = line.listAmount
                for discount in line.discounts {
                    #expect(discount.amount >= 0 && discount.amount <= left, "\(discount) on \(line.productRef)")
                    left -= discount.amount
                }
                #expect(left == line.total && line.total >= 0)
            }
            #expect(try PricingEngine.price(cart, inputs: inputs, now: Self.now) == quote, "the same inputs give the same quote")
            #expect(quote.jsonText == JSONText.write(quote.jsonValue), "the quote's document is written as its JSON value reads")
        }
        #expect(priced > 200, "most generated carts can be priced")
    }

    /// A cart of up to ten lines against a price book with strategies, up to five promotions,
    /// negotiated prices and up to three coupons.
    static func generate(_ random: inout SplitMix) -> (Cart, PricingInputs) {
        let catalog = (0..<12).map { ProductRef("course:p\($0)")! }
        var inputs = PricingInputs()
        for (index, ref) in catalog.enumerated() {
            inputs.products[ref] = .init(title: ref.description, category: index % 3 == 0 ? "data" : "design")
            inputs.prices[PriceKey(product: ref, currency: "USD", country: nil)] = Int64.random(in: 0...200_000, using: &random)
            if Bool.random(using: &random) {
                let floor = Int.random(in: 0...10_000, using: &random)
                let rule: StrategyRule = Bool.random(using: &random)
                    ? .time(windows: [TimeWindow(name: "w", startsAt: now.addingTimeInterval(-1), endsAt: now.addingTimeInterval(1),
                                                 adjustmentBps: Int.random(in: -10_000...90_000, using: &random))])
                    : .capacity(capacity: 10, tiers: [CapacityTier(minFilledPercent: 0, adjustmentBps: Int.random(in: -10_000...90_000, using: &random))])
                inputs.strategies[ref] = Strategy(floorBps: floor, ceilingBps: Int.random(in: 10_000...100_000, using: &random), rule: rule)
            }
        }
        for index in 0..<Int.random(in: 0...5, using: &random) {
            let scope = Array(catalog.shuffled(using: &random).prefix(Int.random(in: 0...4, using: &random))).map(\.description)
            let rule: PromotionRule = switch Int.random(in: 0...2, using: &random) {
            case 0: .flashSale(percentBps: Int.random(in: 1...10_000, using: &random))
            case 1: .volume(tiers: [VolumeTier(minQuantity: Int.random(in: 2...6, using: &random), percentBps: Int.random(in: 1...10_000, using: &random))])
            default: .bundle(percentBps: Int.random(in: 1...10_000, using: &random))
            }
            inputs.promotions.append(Promotion(id: UUID(uuidString: "00000000-0000-4000-8000-\(String(format: "%012d", index))")!, name: "promo \(index)",
                                               rule: rule, productRefs: scope, categories: scope.isEmpty && Bool.random(using: &random) ? ["data"] : [],
                                               startsAt: now.addingTimeInterval(-1), endsAt: nil))
        }
        let organization = Bool.random(using: &random) ? UUID(uuidString: "00000000-0000-4000-8000-0000000000aa")! : nil
        if organization != nil {
            for ref in catalog where Int.random(in: 0...3, using: &random) == 0 {
                inputs.enterprisePrices[PriceKey(product: ref, currency: "USD", country: nil)] = Int64.random(in: 0...200_000, using: &random)
            }
        }
        var codes: [String] = []
        for index in 0..<Int.random(in: 0...3, using: &random) {
            let code = "C\(index)"
            let discount: CouponDiscount = Bool.random(using: &random)
                ? .percentage(bps: Int.random(in: 1...10_000, using: &random))
                : .fixed(Money(amount: Int64.random(in: 1...500_000, using: &random), currency: "USD"))
            let scope = Int.random(in: 0...2, using: &random) == 0 ? [catalog.randomElement(using: &random)!.description] : []
            inputs.coupons[code] = PricingEngineTests.coupon(code, discount, products: scope, stackable: Int.random(in: 0...4, using: &random) > 0)
            codes.append(code)
        }
        let lines = catalog.shuffled(using: &random).prefix(Int.random(in: 1...10, using: &random)).map {
            Cart.Line(ref: $0, quantity: Int.random(in: 1...5, using: &random))
        }
        let cart = Cart(lines: Array(lines), currency: PricingEngineTests.usd, country: nil, couponCodes: codes,
                        buyer: Buyer(id: PricingEngineTests.buyer.id, organizationId: organization))
        return (cart, inputs)
    }
}
