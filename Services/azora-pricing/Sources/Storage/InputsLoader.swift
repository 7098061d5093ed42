import Foundation
import Shared

/// Reads from the price book everything the engine needs for one cart, in one statement: a
/// quote was dominated by the round trips (and thread hops) of a dozen small queries. Each part
/// of the answer is a row tagged with what it is, in a few shared columns:
///
/// | part | key | a | b | c | n1 | n2 |
/// |---|---|---|---|---|---|---|
/// | product | ref | title | category | strategy JSON | | |
/// | region | country | fallback currency | | | ppp bps | |
/// | price | ref | currency | country | | amount | |
/// | enterprise | ref | currency | | | amount | |
/// | promotion | id | | | promotion JSON | position | |
/// | coupon | code | | | coupon JSON | the buyer's uses | |
/// | market | ref | | | | recent enrolments | seats taken |
/// | variant | experiment key | variant | | | | |
/// | purchases | | | | | paid quotes | |
///
/// Strategy, promotion and coupon documents are decoded through caches keyed by their text.
struct InputsLoader: Sendable {
    let database: Database
    let platformFallbackCurrency: String
    let strategyDocuments = DecodedJSONCache<Strategy>()
    let promotionDocuments = DecodedJSONCache<Promotion>()
    let couponDocuments = DecodedJSONCache<Coupon>()

    /// The cart priced at `now` against the price book as it stands.
    func price(_ cart: Cart, at now: Date) async throws -> PricedCart {
        try PricingEngine.price(cart, inputs: try await inputs(for: cart, at: now), now: now)
    }

    func inputs(for cart: Cart, at now: Date) async throws -> PricingInputs {
        let refs = cart.lines.map(\.ref.description)
        let currencies = [cart.currency.code, platformFallbackCurrency]
        let buyer = cart.buyer.id
        let rows = try await database.query("""
            SELECT 'product' AS part, p.ref AS key, p.title AS a, p.category AS b, s.params::text AS c, NULL::bigint AS n1, NULL::bigint AS n2
            FROM products p LEFT JOIN strategies s ON s.product_ref = p.ref WHERE p.ref = ANY(\(refs))
            UNION ALL
            SELECT 'region', country, fallback_currency, NULL, NULL, ppp_bps, NULL FROM regions WHERE country = \(cart.country)
            UNION ALL
            SELECT * FROM (
                SELECT DISTINCT ON (product_ref, currency, coalesce(country, '')) 'price', product_ref, currency, country, NULL, amount, NULL::bigint
                FROM prices
                WHERE product_ref = ANY(\(refs)) AND effective_from <= \(now)
                  AND (currency = ANY(\(currencies)) OR currency = (SELECT fallback_currency FROM regions WHERE country = \(cart.country)))
                  AND (country IS NULL OR country = \(cart.country))
                ORDER BY product_ref, currency, coalesce(country, ''), effective_from DESC, created_at DESC) AS current_prices
            UNION ALL
            SELECT 'enterprise', product_ref, currency, NULL, NULL, amount, NULL FROM enterprise_prices
            WHERE organization_id = \(cart.buyer.organizationId) AND product_ref = ANY(\(refs))
            UNION ALL
            SELECT 'promotion', id::text, NULL, NULL, params::text, row_number() OVER (ORDER BY starts_at, id), NULL FROM promotions
            WHERE starts_at <= \(now) AND (ends_at IS NULL OR ends_at > \(now))
            UNION ALL
            SELECT 'coupon', c.code, NULL, NULL, \(CouponStore.documentSQL)::text, coalesce(u.uses, 0), NULL
            FROM coupons c LEFT JOIN coupon_user_redemptions u ON u.coupon_id = c.id AND u.user_id = \(buyer)
            WHERE c.code = ANY(\(cart.couponCodes))
            UNION ALL
            SELECT 'market', s.product_ref, NULL, NULL, NULL,
                   (SELECT count(*) FROM demand_signals d WHERE d.product_ref = s.product_ref AND d.change = 1
                      AND d.occurred_at > \(now)::timestamptz - make_interval(hours => coalesce((s.params->>'windowHours')::int, 0))),
                   (SELECT coalesce(sum(d.change), 0) FROM demand_signals d WHERE d.product_ref = s.product_ref)
            FROM strategies s WHERE s.product_ref = ANY(\(refs)) AND s.kind IN ('demand', 'capacity')
            UNION ALL
            SELECT 'variant', a.experiment_key, a.variant, NULL, NULL, NULL, NULL
            FROM strategies s JOIN experiment_assignments a ON a.experiment_key = s.params->>'experimentKey' AND a.user_id = \(buyer)
            WHERE s.product_ref = ANY(\(refs)) AND s.kind = 'experiment'
            UNION ALL
            SELECT 'purchases', NULL, NULL, NULL, NULL, purchases, NULL FROM buyer_purchases WHERE user_id = \(buyer)
            """)
        var inputs = PricingInputs()
        inputs.platformFallbackCurrency = platformFallbackCurrency
        var promotions: [(position: Int64, promotion: Promotion)] = []
        for row in rows {
            let (part, key, a, b, c, n1, n2) = try row.decode(String.self, String?.self, String?.self, String?.self, String?.self,
                                                              Int64?.self, Int64?.self)
            switch part {
            case "product":
                guard let ref = key.flatMap(ProductRef.init) else { continue }
                inputs.products[ref] = .init(title: a ?? "", category: b)
                inputs.strategies[ref] = try c.map(strategyDocuments.value(of:))
            case "region":
                inputs.region = Region(country: key ?? "", pppBps: Int(n1 ?? 10_000), fallbackCurrency: a ?? platformFallbackCurrency)
            case "price", "enterprise":
                guard let ref = key.flatMap(ProductRef.init), let currency = a, let amount = n1 else { continue }
                if part == "price" {
                    inputs.prices[PriceKey(product: ref, currency: currency, country: b)] = amount
                } else {
                    inputs.enterprisePrices[PriceKey(product: ref, currency: currency, country: nil)] = amount
                }
            case "promotion":
                guard let c else { continue }
                promotions.append((n1 ?? 0, try promotionDocuments.value(of: c)))
            case "coupon":
                guard let c else { continue }
                let coupon = try couponDocuments.value(of: c)
                inputs.coupons[coupon.code] = coupon
                inputs.couponUsesByBuyer[coupon.id] = Int(n1 ?? 0)
            case "market":
                guard let ref = key.flatMap(ProductRef.init) else { continue }
                inputs.market[ref] = MarketSignals(recentEnrollments: Int(n1 ?? 0), seatsTaken: Int(n2 ?? 0))
            case "variant":
                if let key, let a { inputs.recordedVariants[key] = a }
            case "purchases":
                inputs.buyerPurchases = Int(n1 ?? 0)
            default:
                continue
            }
        }
        inputs.promotions = promotions.sorted { $0.position < $1.position }.map(\.promotion)
        return inputs
    }
}
