import Foundation
import HTTPTypes
import Shared

/// Step 5 of pricing: the coupons the buyer typed. A code that cannot be used is refused with
/// a 422 naming it (`couponCodes[1]`) and saying why, rather than silently ignored: the buyer
/// asked for it. Percentage coupons go first, then fixed amounts, so the order in which codes
/// are typed changes nothing but the order of the lines' discounts.
enum CouponPass {
    /// Applies the coupons and returns their ids.
    static func apply(_ codes: [String], inputs: PricingInputs, to sheet: inout Worksheet, now: Date) throws -> [UUID] {
        guard !codes.isEmpty else { return [] }
        let subtotalAfterPromotions = sheet.lines.reduce(0) { $0 + $1.running }
        var problems: [(slug: String, error: FieldError)] = []
        var usable: [(index: Int, coupon: Coupon, lines: [Int])] = []
        for (index, code) in codes.enumerated() {
            let field = "couponCodes[\(index)]"
            guard let coupon = inputs.coupons[code] else {
                problems.append(("coupon_unknown", FieldError(field: field, message: "no coupon has the code \(code)")))
                continue
            }
            let lines = sheet.lines.indices.filter { !sheet.lines[$0].isNetPrice && coupon.covers(sheet.lines[$0].ref, category: sheet.lines[$0].category) }
            if let refusal = refusal(coupon, lines: lines, inputs: inputs, sheet: sheet, subtotal: subtotalAfterPromotions, now: now) {
                problems.append((refusal.slug, FieldError(field: field, message: "\(code) \(refusal.message)")))
            } else {
                usable.append((index, coupon, lines))
            }
        }
        if codes.count > 1, let exclusive = usable.first(where: { !$0.coupon.stackable }) {
            problems.append(("coupon_not_combinable", FieldError(field: "couponCodes[\(exclusive.index)]",
                                                                  message: "\(exclusive.coupon.code) cannot be combined with other coupons")))
        }
        if let first = problems.first {
            throw Problem(.unprocessableContent, code: first.slug, detail: first.error.message, fieldErrors: problems.map(\.error))
        }
        let ordered = usable.filter { if case .percentage = $0.coupon.discount { true } else { false } }
            + usable.filter { if case .fixed = $0.coupon.discount { true } else { false } }
        for (_, coupon, lines) in ordered {
            let names = lines.map { sheet.lines[$0].ref.description }.joined(separator: ", ")
            switch coupon.discount {
            case .percentage(let bps):
                for line in lines {
                    sheet.lines[line].discount(MinorUnits.share(of: sheet.lines[line].running, bps: bps), source: .coupon, ref: coupon.code,
                                               name: "coupon \(coupon.code)")
                }
                sheet.note(.coupon, coupon.code, applied: true, "\(Worksheet.percent(bps)) off \(names)")
            case .fixed(let money):
                let remaining = lines.map { sheet.lines[$0].running }
                let amount = min(money.amount, remaining.reduce(0, +))
                for (line, part) in zip(lines, MinorUnits.allocate(amount, across: remaining)) {
                    sheet.lines[line].discount(part, source: .coupon, ref: coupon.code, name: "coupon \(coupon.code)")
                }
                var reason = "\(sheet.format(money.amount)) off \(names)"
                if amount < money.amount { reason += ", limited to the \(sheet.format(amount)) left to pay on them" }
                sheet.note(.coupon, coupon.code, applied: true, reason)
            }
        }
        return ordered.map(\.coupon.id)
    }

    /// Why the coupon cannot be used on this cart, if it cannot.
    private static func refusal(_ coupon: Coupon, lines: [Int], inputs: PricingInputs, sheet: Worksheet, subtotal: Int64,
                                now: Date) -> (slug: String, message: String)? {
        let currency = sheet.currency.code
        if !coupon.active { return ("coupon_inactive", "is no longer active") }
        if let startsAt = coupon.startsAt, now < startsAt { return ("coupon_not_started", "can be used from \(Timestamp.format(startsAt))") }
        if let endsAt = coupon.endsAt, endsAt <= now { return ("coupon_expired", "expired at \(Timestamp.format(endsAt))") }
        if let limit = coupon.maxRedemptions, coupon.redemptions >= limit {
            return ("coupon_exhausted", "has been used as many times as it may be")
        }
        if let limit = coupon.maxPerUser, inputs.couponUsesByBuyer[coupon.id, default: 0] >= limit {
            return ("coupon_limit_reached", "has already been used by you as many times as it may be")
        }
        if coupon.firstPurchaseOnly && inputs.buyerPurchases > 0 { return ("coupon_first_purchase_only", "is for a first purchase only") }
        if case .fixed(let money) = coupon.discount, money.currency != currency {
            return ("coupon_currency_mismatch", "is worth an amount in \(money.currency); this cart is priced in \(currency)")
        }
        if lines.isEmpty {
            let netOnly = sheet.lines.contains { $0.isNetPrice && coupon.covers($0.ref, category: $0.category) }
            return ("coupon_not_applicable", netOnly ? "does not apply to lines at a negotiated price"
                                                     : "applies to \(coupon.scopeDescription) only, and the cart holds none of it")
        }
        if let minimum = coupon.minOrder {
            if minimum.currency != currency {
                return ("coupon_currency_mismatch", "needs a minimum order in \(minimum.currency); this cart is priced in \(currency)")
            }
            if subtotal < minimum.amount {
                return ("coupon_min_order_not_met",
                        "needs an order of at least \(sheet.format(minimum.amount)); this one comes to \(sheet.format(subtotal))")
            }
        }
        return nil
    }
}
