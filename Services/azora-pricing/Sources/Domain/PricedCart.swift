import Foundation

/// What a cart costs, line by line, with every rule that was considered and why it did or did
/// not apply. The lines always add up: `total` is the sum of the lines' totals, and each line's
/// total is its list amount less its discounts.
struct PricedCart: Codable, Sendable, Equatable {
    /// The currency of every amount in the quote.
    let currency: String
    /// The currency asked for; differs from `currency` when the cart was not priced in it.
    let requestedCurrency: String
    let country: String?
    let lines: [PricedLine]
    /// The sum of the lines' list amounts.
    let subtotal: Int64
    /// The sum of every discount on every line.
    let discountTotal: Int64
    let total: Int64
    let rules: [RuleOutcome]
    let experiments: [ExperimentAssignment]
    /// The coupons applied, for redemption.
    let couponIds: [UUID]
}

struct PricedLine: Codable, Sendable, Equatable {
    let productRef: String
    let title: String
    let quantity: Int
    /// The price book's unit price, after any purchasing-power adjustment.
    let unitBasePrice: Int64
    /// Where the base price came from.
    let basePriceSource: String
    /// What the strategy added (or, negative, took off) per unit, after its floor and ceiling.
    let strategyAdjustment: Int64
    /// Base plus strategy adjustment: the unit price before discounts.
    let unitListPrice: Int64
    /// `unitListPrice × quantity`.
    let listAmount: Int64
    /// In the order applied.
    let discounts: [LineDiscount]
    /// `listAmount` less the discounts; never negative.
    let total: Int64
}

struct LineDiscount: Codable, Sendable, Equatable {
    enum Source: String, Codable, Sendable {
        case enterprisePrice = "enterprise_price", promotion, coupon
    }

    let source: Source
    /// The promotion's id, the coupon's code, or the organisation's id.
    let ref: String
    let name: String
    let amount: Int64
}

/// One rule the engine considered.
struct RuleOutcome: Codable, Sendable, Equatable {
    enum Kind: String, Codable, Sendable {
        case currency, region, strategy, enterprisePrice = "enterprise_price", promotion, coupon
    }

    let kind: Kind
    /// What it is: a product ref, a promotion id, a coupon code, a country.
    let ref: String
    let applied: Bool
    let reason: String
}
