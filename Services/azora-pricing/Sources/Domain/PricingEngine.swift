import Foundation
import HTTPTypes
import Shared

/// Prices a cart. A pure function of the cart, the inputs loaded for it and the time, so the
/// same inputs always give the same quote.
///
/// The documented order:
/// 1. the unit base price from the price book: the buyer's regional price list if the product
///    has one, else the base price scaled by the region's purchasing-power adjustment;
/// 2. the product's strategy adjusts the unit price, held between its floor and ceiling;
/// 3. a price negotiated by the buyer's organisation replaces the list price when lower, and
///    such a line takes no promotion or coupon;
/// 4. automatic promotions: each line takes the single largest one it qualifies for;
/// 5. coupons: percentage coupons in the order given, then fixed-amount coupons in the order
///    given, each on what is left of the lines it covers.
///
/// Every amount derived from a percentage is rounded to the currency's minor unit half to
/// even; an amount spread across lines is split by largest remainder.
enum PricingEngine {
    static func price(_ cart: Cart, inputs: PricingInputs, now: Date) throws -> PricedCart {
        try requireKnownProducts(cart, inputs)
        let currency = try chooseCurrency(cart, inputs)
        var sheet = Worksheet(currency: currency, lines: cart.lines.map { line in
            let entry = inputs.products[line.ref]!
            return Worksheet.Line(ref: line.ref, title: entry.title, category: entry.category, quantity: line.quantity)
        })
        if currency.code != cart.currency.code {
            sheet.note(.currency, currency.code, applied: true,
                       "not every product has a price in \(cart.currency.code); the cart is quoted in \(currency.code)")
        }
        setBasePrices(&sheet, cart, inputs)
        let experiments = applyStrategies(&sheet, cart, inputs, now: now)
        applyEnterprisePrices(&sheet, cart, inputs)
        PromotionPass.apply(inputs.promotions, to: &sheet)
        let couponIds = try CouponPass.apply(cart.couponCodes, inputs: inputs, to: &sheet, now: now)

        let lines = sheet.lines.map { line in
            PricedLine(productRef: line.ref.description, title: line.title, quantity: line.quantity,
                       unitBasePrice: line.unitBasePrice, basePriceSource: line.basePriceSource,
                       strategyAdjustment: line.strategyAdjustment, unitListPrice: line.unitListPrice,
                       listAmount: line.listAmount, discounts: line.discounts, total: line.running)
        }
        let subtotal = lines.reduce(0) { $0 + $1.listAmount }
        let total = lines.reduce(0) { $0 + $1.total }
        guard total <= Validation.maxTotal, subtotal <= Validation.maxTotal else {
            throw Problem.invalid("items", "the cart's total is larger than a quote may be")
        }
        return PricedCart(currency: currency.code, requestedCurrency: cart.currency.code, country: cart.country, lines: lines,
                          subtotal: subtotal, discountTotal: subtotal - total, total: total, rules: sheet.rules,
                          experiments: experiments, couponIds: couponIds)
    }

    private static func requireKnownProducts(_ cart: Cart, _ inputs: PricingInputs) throws {
        let unknown = cart.lines.indices.filter { inputs.products[cart.lines[$0].ref] == nil }
        guard unknown.isEmpty else {
            throw Problem(.unprocessableContent, code: "product_not_found", detail: "the cart names products the price book does not have",
                          fieldErrors: unknown.map { FieldError(field: "items[\($0)].productRef", message: "no product \(cart.lines[$0].ref) is for sale") })
        }
    }

    /// The currency asked for when every product has a price in it, else the region's fallback
    /// currency, else the platform's.
    private static func chooseCurrency(_ cart: Cart, _ inputs: PricingInputs) throws -> Currency {
        var candidates = [cart.currency.code]
        for code in [inputs.region?.fallbackCurrency, inputs.platformFallbackCurrency].compactMap({ $0 }) where !candidates.contains(code) {
            candidates.append(code)
        }
        func isPriced(_ line: Cart.Line, in code: String) -> Bool {
            inputs.prices[PriceKey(product: line.ref, currency: code, country: nil)] != nil
                || cart.country.map { inputs.prices[PriceKey(product: line.ref, currency: code, country: $0)] != nil } == true
        }
        if let code = candidates.first(where: { code in cart.lines.allSatisfy { isPriced($0, in: code) } }), let currency = Currency(code: code) {
            return currency
        }
        let tried = candidates.joined(separator: ", ")
        throw Problem(.unprocessableContent, code: "no_price", detail: "the cart cannot be priced in any one of \(tried)",
                      fieldErrors: cart.lines.indices.filter { index in !isPriced(cart.lines[index], in: cart.currency.code) }.map {
                          FieldError(field: "items[\($0)].productRef", message: "has no price in \(cart.currency.code)")
                      })
    }

    private static func setBasePrices(_ sheet: inout Worksheet, _ cart: Cart, _ inputs: PricingInputs) {
        let code = sheet.currency.code
        var adjustedForRegion = false
        for index in sheet.lines.indices {
            let ref = sheet.lines[index].ref
            if let country = cart.country, let regional = inputs.prices[PriceKey(product: ref, currency: code, country: country)] {
                sheet.lines[index].unitBasePrice = regional
                sheet.lines[index].basePriceSource = "the regional price list for \(country)"
            } else {
                let base = inputs.prices[PriceKey(product: ref, currency: code, country: nil)]!
                if let region = inputs.region, region.pppBps != MinorUnits.whole {
                    sheet.lines[index].unitBasePrice = MinorUnits.share(of: base, bps: region.pppBps)
                    sheet.lines[index].basePriceSource =
                        "the base price of \(sheet.format(base)) at \(Worksheet.percent(region.pppBps)) for \(region.country)"
                    adjustedForRegion = true
                } else {
                    sheet.lines[index].unitBasePrice = base
                    sheet.lines[index].basePriceSource = "the base price"
                }
            }
        }
        if let region = inputs.region, region.pppBps != MinorUnits.whole {
            sheet.note(.region, region.country, applied: adjustedForRegion, adjustedForRegion
                ? "purchasing-power adjustment: \(Worksheet.percent(region.pppBps)) of the base price where no regional price is set"
                : "every product has a regional price for \(region.country), so no purchasing-power adjustment was needed")
        }
    }

    /// Applies each product's strategy to its unit price and returns the experiment variants used.
    private static func applyStrategies(_ sheet: inout Worksheet, _ cart: Cart, _ inputs: PricingInputs, now: Date) -> [ExperimentAssignment] {
        var experiments: [ExperimentAssignment] = []
        for index in sheet.lines.indices {
            let ref = sheet.lines[index].ref
            if let strategy = inputs.strategies[ref] {
                let decision = strategy.decide(now: now, market: inputs.market[ref] ?? MarketSignals(), buyerId: cart.buyer.id,
                                               recordedVariant: strategy.experimentKey.flatMap { inputs.recordedVariants[$0] })
                if let assignment = decision.assignment, !experiments.contains(assignment) { experiments.append(assignment) }
                var reason = decision.explanation
                if let bps = decision.adjustmentBps {
                    let base = sheet.lines[index].unitBasePrice
                    let wanted = base + MinorUnits.share(of: base, bps: bps)
                    let floor = MinorUnits.share(of: base, bps: strategy.floorBps)
                    let ceiling = MinorUnits.share(of: base, bps: strategy.ceilingBps)
                    let held = min(max(wanted, floor), ceiling)
                    sheet.lines[index].strategyAdjustment = held - base
                    reason += "; \(bps >= 0 ? "+" : "")\(Worksheet.percent(bps))"
                    if held != wanted { reason += ", held at the \(held == floor ? "floor" : "ceiling") of \(sheet.format(held))" }
                }
                sheet.note(.strategy, ref.description, applied: decision.adjustmentBps != nil, "\(strategy.kind.rawValue) strategy: \(reason)")
            }
            let line = sheet.lines[index]
            sheet.lines[index].listAmount = line.unitListPrice * Int64(line.quantity)
            sheet.lines[index].running = sheet.lines[index].listAmount
        }
        return experiments
    }

    private static func applyEnterprisePrices(_ sheet: inout Worksheet, _ cart: Cart, _ inputs: PricingInputs) {
        guard let organization = cart.buyer.organizationId else { return }
        for index in sheet.lines.indices {
            let line = sheet.lines[index]
            guard let negotiated = inputs.enterprisePrices[PriceKey(product: line.ref, currency: sheet.currency.code, country: nil)] else { continue }
            let ref = "\(organization.lowercasedText):\(line.ref)"
            if negotiated < line.unitListPrice {
                sheet.lines[index].discount((line.unitListPrice - negotiated) * Int64(line.quantity), source: .enterprisePrice,
                                            ref: organization.lowercasedText, name: "negotiated price")
                sheet.lines[index].isNetPrice = true
                sheet.note(.enterprisePrice, ref, applied: true,
                           "your organisation's negotiated price of \(sheet.format(negotiated)) replaces the list price; no promotion or coupon applies to this line")
            } else {
                sheet.note(.enterprisePrice, ref, applied: false,
                           "the list price of \(sheet.format(line.unitListPrice)) is already below the negotiated \(sheet.format(negotiated))")
            }
        }
    }
}

extension Strategy {
    /// The experiment's key, for experiment strategies.
    var experimentKey: String? {
        if case .experiment(let key, _) = rule { return key }
        return nil
    }
}
