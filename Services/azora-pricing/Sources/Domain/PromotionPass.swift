import Foundation
import Shared

/// Step 4 of pricing: automatic promotions. Promotions do not stack: each line takes the
/// largest discount among the promotions it qualifies for (the older promotion on a tie).
enum PromotionPass {
    static func apply(_ promotions: [Promotion], to sheet: inout Worksheet) {
        // Each promotion's offer, line by line, computed on the lines as they stand.
        var offers: [(promotion: Promotion, discounts: [LineOffer], terms: String)] = []
        let refs = sheet.lines.map(\.ref.description)
        for promotion in promotions {
            switch offer(promotion, sheet) {
            case .qualifies(let discounts, let terms): offers.append((promotion, discounts, terms))
            case .doesNotQualify(let reason): sheet.note(.promotion, promotion.id.lowercasedText, applied: false, reason)
            }
        }
        // The winning offer of each line, by position in `offers`.
        var winner = [(offer: Int, amount: Int64)?](repeating: nil, count: sheet.lines.count)
        for (position, offer) in offers.enumerated() {
            for discount in offer.discounts where discount.amount > (winner[discount.line]?.amount ?? 0) {
                winner[discount.line] = (position, discount.amount)
            }
        }
        for (position, offer) in offers.enumerated() {
            // `offer` lists a promotion's lines in cart order, so `won` and `lost` are in cart order too.
            let won = offer.discounts.filter { winner[$0.line]?.offer == position }.map(\.line)
            let lost = offer.discounts.filter { winner[$0.line]?.offer != position }.map(\.line)
            let ref = offer.promotion.id.lowercasedText
            for line in won {
                sheet.lines[line].discount(winner[line]!.amount, source: .promotion, ref: ref, name: offer.promotion.name)
            }
            let names = { (lines: [Int]) in lines.map { refs[$0] }.joined(separator: ", ") }
            if won.isEmpty {
                sheet.note(.promotion, ref, applied: false, lost.isEmpty
                    ? "'\(offer.promotion.name)' would take nothing off"
                    : "'\(offer.promotion.name)' qualifies, but a larger promotion applies to \(names(lost))")
            } else {
                var reason = "'\(offer.promotion.name)': \(offer.terms) on \(names(won))"
                if !lost.isEmpty { reason += "; a larger promotion applies to \(names(lost))" }
                sheet.note(.promotion, ref, applied: true, reason)
            }
        }
    }

    /// What a promotion would take off one line (by its index in the cart).
    private struct LineOffer {
        let line: Int
        let amount: Int64
    }

    private enum Offer {
        case qualifies([LineOffer], terms: String)
        case doesNotQualify(String)
    }

    private static func offer(_ promotion: Promotion, _ sheet: Worksheet) -> Offer {
        let covered = sheet.lines.indices.filter { sheet.lines[$0].isNetPrice == false
            && promotion.covers(sheet.lines[$0].ref, category: sheet.lines[$0].category) }
        let name = "'\(promotion.name)'"
        func percentOff(_ bps: Int, _ lines: [Int]) -> [LineOffer] {
            lines.map { LineOffer(line: $0, amount: MinorUnits.share(of: sheet.lines[$0].running, bps: bps)) }
        }
        switch promotion.rule {
        case .flashSale(let bps):
            guard !covered.isEmpty else { return .doesNotQualify("\(name) covers no line of this cart") }
            return .qualifies(percentOff(bps, covered), terms: "flash sale, \(Worksheet.percent(bps)) off")
        case .volume(let tiers):
            let units = covered.reduce(0) { $0 + sheet.lines[$1].quantity }
            guard let tier = tiers.filter({ $0.minQuantity <= units }).max(by: { $0.minQuantity < $1.minQuantity }) else {
                let least = tiers.map(\.minQuantity).min() ?? 0
                return .doesNotQualify("\(name) needs \(least) covered units; the cart holds \(units)")
            }
            return .qualifies(percentOff(tier.percentBps, covered),
                              terms: "\(units) units reach the volume tier of \(tier.minQuantity), \(Worksheet.percent(tier.percentBps)) off")
        case .bundle(let bps):
            let present = Set(covered.map { sheet.lines[$0].ref.description })
            let missing = promotion.productRefs.filter { !present.contains($0) }
            guard missing.isEmpty else {
                return .doesNotQualify("\(name) needs \(missing.joined(separator: ", ")) in the cart as well, at list price")
            }
            return .qualifies(percentOff(bps, covered), terms: "bundle complete, \(Worksheet.percent(bps)) off")
        }
    }
}
