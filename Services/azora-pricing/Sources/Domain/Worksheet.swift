import Foundation
import Shared

/// The engine's scratch paper while it prices one cart: each line's running amount and the
/// discounts and rule outcomes gathered so far.
struct Worksheet {
    struct Line {
        let ref: ProductRef
        let title: String
        let category: String?
        let quantity: Int
        var unitBasePrice: Int64 = 0
        var basePriceSource = ""
        var strategyAdjustment: Int64 = 0
        var listAmount: Int64 = 0
        /// What is still to pay on the line after the discounts so far.
        var running: Int64 = 0
        var discounts: [LineDiscount] = []
        /// A line at a negotiated enterprise price takes no promotion or coupon.
        var isNetPrice = false

        var unitListPrice: Int64 { unitBasePrice + strategyAdjustment }

        mutating func discount(_ amount: Int64, source: LineDiscount.Source, ref: String, name: String) {
            precondition(amount >= 0 && amount <= running, "a discount never exceeds what it discounts")
            running -= amount
            discounts.append(LineDiscount(source: source, ref: ref, name: name, amount: amount))
        }
    }

    let currency: Currency
    var lines: [Line]
    var rules: [RuleOutcome] = []

    mutating func note(_ kind: RuleOutcome.Kind, _ ref: String, applied: Bool, _ reason: String) {
        rules.append(RuleOutcome(kind: kind, ref: ref, applied: applied, reason: reason))
    }

    /// An amount for a human reader: `19.99 USD`.
    func format(_ amount: Int64) -> String {
        Self.format(amount, in: currency)
    }

    static func format(_ amount: Int64, in currency: Currency) -> String {
        let digits = currency.minorUnitDigits
        guard digits > 0 else { return "\(amount) \(currency.code)" }
        let scale = Int64(pow(10, Double(digits)))
        let magnitude = amount.magnitude
        let fraction = String(magnitude % UInt64(scale))
        let padded = String(repeating: "0", count: digits - fraction.count) + fraction
        return "\(amount < 0 ? "-" : "")\(magnitude / UInt64(scale)).\(padded) \(currency.code)"
    }

    /// Basis points as a percentage: `12.5%`.
    static func percent(_ bps: Int) -> String {
        let whole = bps / 100, hundredths = abs(bps % 100)
        if hundredths == 0 { return "\(whole)%" }
        return hundredths % 10 == 0 ? "\(whole).\(hundredths / 10)%" : "\(whole).\(hundredths < 10 ? "0" : "")\(hundredths)%"
    }
}
