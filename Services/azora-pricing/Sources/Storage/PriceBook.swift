import Foundation
import Shared

/// Products, their prices with history, regions, strategies and negotiated enterprise prices.
struct PriceBook: Sendable {
    let database: Database
    let outbox: Outbox

    static let productColumns: SQL = "ref, kind, title, category, owner_id, created_at, updated_at"
    static let priceColumns: SQL = "id, product_ref, currency, country, amount, effective_from, set_by, created_at"

    // MARK: Products

    func product(_ ref: ProductRef) async throws -> Product? {
        try await database.queryFirst("SELECT \(Self.productColumns) FROM products WHERE ref = \(ref.description)").map(Self.product(row:))
    }

    func requireProduct(_ ref: ProductRef) async throws -> Product {
        guard let product = try await product(ref) else { throw Problem.notFound("product", id: ref) }
        return product
    }

    /// Creates the product or updates its title, category and owner.
    func save(_ ref: ProductRef, _ order: ProductOrder) async throws -> (product: Product, created: Bool) {
        try await database.transaction { transaction in
            let row = try await transaction.queryFirst("""
                INSERT INTO products (ref, kind, title, category, owner_id)
                VALUES (\(ref.description), \(ref.kind.rawValue), \(order.title), \(order.category), \(order.ownerId))
                ON CONFLICT (ref) DO UPDATE SET title = excluded.title, category = excluded.category, owner_id = excluded.owner_id,
                    updated_at = now()
                RETURNING \(Self.productColumns), (xmax = 0) AS created
                """)!
            let product = try Self.product(row: row)
            try await outbox.publish("pricing.product.saved", subject: ref.description, data: product, in: transaction)
            return (product, try row.decode("created", as: Bool.self))
        }
    }

    func products(category: String?, ownerId: UUID?, after: String?, limit: Int) async throws -> [Product] {
        var filters: [SQL] = ["true"]
        if let category { filters.append("category = \(category)") }
        if let ownerId { filters.append("owner_id = \(ownerId)") }
        if let after { filters.append("ref > \(after)") }
        return try await database.query("""
            SELECT \(Self.productColumns) FROM products WHERE \(SQL(joining: filters, separator: " AND ")) ORDER BY ref LIMIT \(limit + 1)
            """).map(Self.product(row:))
    }

    private static func product(row: PostgresRow) throws -> Product {
        Product(ref: try row.decode("ref"), kind: try row.decode("kind"), title: try row.decode("title"), category: try row.decode("category"),
                ownerId: try row.decode("owner_id"), createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }

    // MARK: Prices

    /// Records a new price; the one it replaces stays in the history.
    func addPrice(_ ref: ProductRef, _ order: PriceOrder, setBy: String, now: Date) async throws -> Price {
        try await database.transaction { transaction in
            let row = try await transaction.queryFirst("""
                INSERT INTO prices (id, product_ref, currency, country, amount, effective_from, set_by)
                VALUES (\(UUIDv7.make()), \(ref.description), \(order.currency), \(order.country), \(order.amount),
                        \(order.effectiveFrom ?? now), \(setBy))
                RETURNING \(Self.priceColumns)
                """)!
            let price = try Self.price(row: row)
            try await outbox.publish("pricing.price.changed", subject: ref.description, data: price, in: transaction)
            return price
        }
    }

    /// Every price of the product, newest first, optionally for one currency and one country.
    func prices(of ref: ProductRef, currency: String?, country: String?, before: Date?, limit: Int) async throws -> [Price] {
        var filters: [SQL] = ["product_ref = \(ref.description)"]
        if let currency { filters.append("currency = \(currency)") }
        if let country { filters.append("country = \(country)") }
        if let before { filters.append("created_at < \(before)") }
        return try await database.query("""
            SELECT \(Self.priceColumns) FROM prices WHERE \(SQL(joining: filters, separator: " AND "))
            ORDER BY created_at DESC, id DESC LIMIT \(limit + 1)
            """).map(Self.price(row:))
    }

    /// The prices in effect at `now` for one product: one per currency and country.
    func currentPrices(of ref: ProductRef, at now: Date) async throws -> [Price] {
        try await database.query("""
            SELECT DISTINCT ON (currency, coalesce(country, '')) \(Self.priceColumns) FROM prices
            WHERE product_ref = \(ref.description) AND effective_from <= \(now)
            ORDER BY currency, coalesce(country, ''), effective_from DESC, created_at DESC
            """).map(Self.price(row:))
    }

    private static func price(row: PostgresRow) throws -> Price {
        Price(id: try row.decode("id"), productRef: try row.decode("product_ref"), currency: try row.decode("currency"),
              country: try row.decode("country"), amount: try row.decode("amount"), effectiveFrom: try row.decode("effective_from"),
              setBy: try row.decode("set_by"), createdAt: try row.decode("created_at"))
    }

    // MARK: Regions

    func saveRegion(_ country: String, _ order: RegionOrder) async throws -> Region {
        try await database.execute("""
            INSERT INTO regions (country, ppp_bps, fallback_currency) VALUES (\(country), \(order.pppBps), \(order.fallbackCurrency))
            ON CONFLICT (country) DO UPDATE SET ppp_bps = excluded.ppp_bps, fallback_currency = excluded.fallback_currency,
                updated_at = now()
            """)
        return Region(country: country, pppBps: order.pppBps, fallbackCurrency: order.fallbackCurrency)
    }

    func regions() async throws -> [Region] {
        try await database.query("SELECT country, ppp_bps, fallback_currency FROM regions ORDER BY country").map(Self.region(row:))
    }

    func deleteRegion(_ country: String) async throws {
        guard try await database.execute("DELETE FROM regions WHERE country = \(country)") > 0 else {
            throw Problem.notFound("region", id: country)
        }
    }

    static func region(row: PostgresRow) throws -> Region {
        Region(country: try row.decode("country"), pppBps: try row.decode("ppp_bps"), fallbackCurrency: try row.decode("fallback_currency"))
    }

    // MARK: Strategies

    func strategy(of ref: ProductRef) async throws -> Strategy? {
        try await database.queryFirst("SELECT params FROM strategies WHERE product_ref = \(ref.description)")
            .map { try $0.decode("params", as: JSONB<Strategy>.self).value }
    }

    func saveStrategy(_ strategy: Strategy, for ref: ProductRef) async throws {
        try await database.transaction { transaction in
            try await transaction.execute("""
                INSERT INTO strategies (product_ref, kind, floor_bps, ceiling_bps, params)
                VALUES (\(ref.description), \(strategy.kind.rawValue), \(strategy.floorBps), \(strategy.ceilingBps), \(JSONB(strategy)))
                ON CONFLICT (product_ref) DO UPDATE SET kind = excluded.kind, floor_bps = excluded.floor_bps,
                    ceiling_bps = excluded.ceiling_bps, params = excluded.params, updated_at = now()
                """)
            try await outbox.publish("pricing.strategy.changed", subject: ref.description, data: strategy, in: transaction)
        }
    }

    func deleteStrategy(of ref: ProductRef) async throws {
        guard try await database.execute("DELETE FROM strategies WHERE product_ref = \(ref.description)") > 0 else {
            throw Problem.notFound("strategy of product", id: ref)
        }
    }

    // MARK: Enterprise prices

    func saveEnterprisePrice(_ organization: UUID, _ ref: ProductRef, _ order: EnterprisePriceOrder) async throws -> EnterprisePrice {
        try await database.execute("""
            INSERT INTO enterprise_prices (organization_id, product_ref, currency, amount)
            VALUES (\(organization), \(ref.description), \(order.currency), \(order.amount))
            ON CONFLICT (organization_id, product_ref, currency) DO UPDATE SET amount = excluded.amount, updated_at = now()
            """)
        return EnterprisePrice(organizationId: organization, productRef: ref.description, currency: order.currency, amount: order.amount)
    }

    func enterprisePrices(of organization: UUID) async throws -> [EnterprisePrice] {
        try await database.query("""
            SELECT product_ref, currency, amount FROM enterprise_prices WHERE organization_id = \(organization) ORDER BY product_ref, currency
            """).map { row in
            EnterprisePrice(organizationId: organization, productRef: try row.decode("product_ref"), currency: try row.decode("currency"),
                            amount: try row.decode("amount"))
        }
    }

    func deleteEnterprisePrice(_ organization: UUID, _ ref: ProductRef, currency: String) async throws {
        guard try await database.execute("""
            DELETE FROM enterprise_prices WHERE organization_id = \(organization) AND product_ref = \(ref.description) AND currency = \(currency)
            """) > 0 else { throw Problem.notFound("negotiated price of \(ref) in", id: currency) }
    }
}
