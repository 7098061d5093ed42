import Foundation

/// Everything the engine reads to price one cart, loaded from the price book beforehand so that
/// the engine itself is a pure function of its inputs and the time.
struct PricingInputs: Sendable {
    /// The cart's products that exist: their titles and categories.
    var products: [ProductRef: CatalogEntry] = [:]
    /// Prices in effect now, by product, currency and country (`nil`: the base price).
    var prices: [PriceKey: Int64] = [:]
    /// The buyer's country, when it has a purchasing-power adjustment or fallback currency.
    var region: Region?
    /// The currency quoted when neither the one asked for nor the region's fallback is priced.
    var platformFallbackCurrency = "USD"
    var strategies: [ProductRef: Strategy] = [:]
    var market: [ProductRef: MarketSignals] = [:]
    /// Experiment variants the buyer was already put in, by experiment key.
    var recordedVariants: [String: String] = [:]
    /// Prices negotiated by the buyer's organisation, by product and currency (country `nil`).
    var enterprisePrices: [PriceKey: Int64] = [:]
    /// Promotions live now, oldest first.
    var promotions: [Promotion] = []
    /// The coupons the cart names, by upper-case code.
    var coupons: [String: Coupon] = [:]
    /// Paid quotes of this buyer so far.
    var buyerPurchases = 0
    /// This buyer's uses of each named coupon so far.
    var couponUsesByBuyer: [UUID: Int] = [:]

    struct CatalogEntry: Sendable, Equatable {
        let title: String
        let category: String?
    }
}

struct PriceKey: Hashable, Sendable {
    let product: ProductRef
    let currency: String
    let country: String?
}
