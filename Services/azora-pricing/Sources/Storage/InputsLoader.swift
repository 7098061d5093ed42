import Foundation
import Shared

/// Reads everything the engine needs for one cart. Per quote that is one statement for what
/// belongs to the buyer and the moment (negotiated prices, the named coupons and the buyer's uses
/// of them, demand and capacity, recorded experiment variants, paid quotes), which also reads the
/// price book's revision. The price book itself (products, strategies, prices, regions,
/// promotions) comes from `PriceBookCache` when it holds that revision, else from a second
/// statement whose answer the cache keeps.
///
/// Each statement answers rows tagged with what they are, in a few shared columns:
///
/// | part | key | a | b | c | n1 | n2 | t |
/// |---|---|---|---|---|---|---|---|
/// | revision | | | | | revision | | |
/// | enterprise | ref | currency | | | amount | | |
/// | coupon | code | | | coupon JSON | the buyer's uses | | |
/// | market | ref | | | | recent enrolments | seats taken | |
/// | variant | experiment key | variant | | | | | |
/// | purchases | | | | | paid quotes | | |
/// | product | ref | title | category | strategy JSON | | | |
/// | price | ref | currency | country | | amount | rank, latest first | effective from |
/// | region | country | fallback currency | | | ppp bps | | |
/// | promotion | id | | | promotion JSON | position | | |
struct InputsLoader: Sendable {
    let database: Database
    let platformFallbackCurrency: String
    let book = PriceBookCache()
    let couponDocuments = DecodedJSONCache<Coupon>()

    /// The cart priced at `now` against the price book as it stands.
    func price(_ cart: Cart, at now: Date) async throws -> PricedCart {
        try PricingEngine.price(cart, inputs: try await inputs(for: cart, at: now), now: now)
    }

    func inputs(for cart: Cart, at now: Date) async throws -> PricingInputs {
        var (inputs, revision) = try await buyerInputs(for: cart, at: now)
        let refs = cart.lines.map(\.ref)
        let reading = try await priceBook(of: refs, at: revision, now: now)
        for ref in refs {
            guard let product = reading.products[ref] else { continue }
            inputs.products[ref] = product.entry
            inputs.strategies[ref] = product.strategy
            for slot in product.prices.keys where slot.country == nil || slot.country == cart.country {
                if let amount = product.price(in: slot, at: now) {
                    inputs.prices[PriceKey(product: ref, currency: slot.currency, country: slot.country)] = amount
                }
            }
        }
        inputs.region = cart.country.flatMap { reading.rules?.regions[$0] }
        inputs.promotions = reading.rules?.promotions.filter { $0.isLive(at: now) } ?? []
        return inputs
    }

    /// The price book's part of the inputs at `revision` or later: from the cache, topped up
    /// with what it lacks. When the book has moved on between the two statements, what the cache
    /// held is older than what was just read, so the whole of it is read again at one revision.
    private func priceBook(of refs: [ProductRef], at revision: Int64, now: Date) async throws -> PriceBookCache.Reading {
        var known = book.known(at: revision, products: refs)
        let missing = refs.filter { known.products[$0] == nil }
        guard !missing.isEmpty || known.rules == nil else { return known }
        var read = try await readPriceBook(products: missing, rules: known.rules == nil, now: now)
        if read.revision != revision {
            read = try await readPriceBook(products: refs, rules: true, now: now)
            book.remember(read)
            return read
        }
        book.remember(read)
        known.products.merge(read.products) { _, read in read }
        known.rules = known.rules ?? read.rules
        return known
    }

    private func buyerInputs(for cart: Cart, at now: Date) async throws -> (PricingInputs, revision: Int64) {
        let refs = cart.lines.map(\.ref.description)
        let buyer = cart.buyer.id
        let rows = try await database.query("""
            SELECT 'revision' AS part, NULL AS key, NULL AS a, NULL AS b, NULL AS c, revision AS n1, NULL::bigint AS n2
            FROM price_book_revision
            UNION ALL
            SELECT 'enterprise', product_ref, currency, NULL, NULL, amount, NULL FROM enterprise_prices
            WHERE organization_id = \(cart.buyer.organizationId) AND product_ref = ANY(\(refs))
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
        var revision: Int64 = 0
        for row in rows {
            let (part, key, a, _, c, n1, n2) = try row.decode(String.self, String?.self, String?.self, String?.self, String?.self,
                                                              Int64?.self, Int64?.self)
            switch part {
            case "revision":
                revision = n1 ?? 0
            case "enterprise":
                guard let ref = key.flatMap(ProductRef.init), let currency = a, let amount = n1 else { continue }
                inputs.enterprisePrices[PriceKey(product: ref, currency: currency, country: nil)] = amount
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
        return (inputs, revision)
    }

    /// The products named, and with `rules` the regions and the promotions not yet over at
    /// `now`, with the revision they were read at. A product's prices are the one in effect at
    /// `now` in each currency and country, and every one set to start later.
    private func readPriceBook(products refs: [ProductRef], rules: Bool, now: Date) async throws -> PriceBookCache.Reading {
        let names = refs.map(\.description)
        let rows = try await database.query("""
            SELECT 'revision' AS part, NULL AS key, NULL AS a, NULL AS b, NULL AS c, revision AS n1, NULL::bigint AS n2,
                   NULL::timestamptz AS t
            FROM price_book_revision
            UNION ALL
            SELECT 'product', p.ref, p.title, p.category, s.params::text, NULL, NULL, NULL
            FROM products p LEFT JOIN strategies s ON s.product_ref = p.ref WHERE p.ref = ANY(\(names))
            UNION ALL
            SELECT 'price', product_ref, currency, country, NULL, amount, rank, effective_from FROM (
                SELECT product_ref, currency, country, amount, effective_from,
                       row_number() OVER slot AS rank, count(*) FILTER (WHERE effective_from > \(now)) OVER slot AS upcoming
                FROM prices WHERE product_ref = ANY(\(names))
                WINDOW slot AS (PARTITION BY product_ref, currency, coalesce(country, '') ORDER BY effective_from DESC, created_at DESC
                                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) AS ranked
            WHERE rank <= upcoming + 1
            UNION ALL
            SELECT 'region', country, fallback_currency, NULL, NULL, ppp_bps, NULL, NULL FROM regions WHERE \(rules)
            UNION ALL
            SELECT 'promotion', id::text, NULL, NULL, params::text, row_number() OVER (ORDER BY starts_at, id), NULL, NULL
            FROM promotions WHERE \(rules) AND (ends_at IS NULL OR ends_at > \(now))
            """)
        var reading = PriceBookCache.Reading(revision: 0, rules: rules ? PriceBookCache.Rules() : nil)
        var entries: [ProductRef: (entry: PricingInputs.CatalogEntry, strategy: Strategy?)] = [:]
        var prices: [ProductRef: [PriceBookCache.Slot: [(rank: Int64, price: PriceBookCache.DatedPrice)]]] = [:]
        var promotions: [(position: Int64, promotion: Promotion)] = []
        for row in rows {
            let (part, key, a, b, c, n1, n2, t) = try row.decode(String.self, String?.self, String?.self, String?.self, String?.self,
                                                                 Int64?.self, Int64?.self, Date?.self)
            switch part {
            case "revision":
                reading.revision = n1 ?? 0
            case "product":
                guard let ref = key.flatMap(ProductRef.init) else { continue }
                entries[ref] = (.init(title: a ?? "", category: b), try c.map { try JSONB<Strategy>.decode(postgresText: $0).value })
            case "price":
                guard let ref = key.flatMap(ProductRef.init), let currency = a, let amount = n1, let rank = n2, let t else { continue }
                prices[ref, default: [:]][.init(currency: currency, country: b), default: []]
                    .append((rank, .init(amount: amount, effectiveFrom: t)))
            case "region":
                guard let country = key else { continue }
                reading.rules?.regions[country] = Region(country: country, pppBps: Int(n1 ?? 10_000),
                                                         fallbackCurrency: a ?? platformFallbackCurrency)
            case "promotion":
                guard let c else { continue }
                promotions.append((n1 ?? 0, try JSONB<Promotion>.decode(postgresText: c).value))
            default:
                continue
            }
        }
        for (ref, product) in entries {
            let slots = (prices[ref] ?? [:]).mapValues { $0.sorted { $0.rank < $1.rank }.map(\.price) }
            reading.products[ref] = .init(entry: product.entry, strategy: product.strategy, prices: slots)
        }
        reading.rules?.promotions = promotions.sorted { $0.position < $1.position }.map(\.promotion)
        return reading
    }
}
