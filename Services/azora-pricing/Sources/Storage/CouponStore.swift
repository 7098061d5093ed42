import Foundation
import HTTPTypes
import Shared

/// Coupons: created by administrators (any scope) and instructors (their own products only).
struct CouponStore: Sendable {
    let database: Database
    let outbox: Outbox

    /// The coupon row `c` as the JSON document `Coupon` decodes from (its wire form): the one
    /// way coupons are read, here and in the statement that loads a quote's inputs.
    static let documentSQL: SQL = """
        jsonb_strip_nulls(jsonb_build_object(
            'id', c.id, 'code', c.code, 'kind', c.kind, 'percentBps', c.percent_bps,
            'amount', CASE WHEN c.kind = 'fixed' THEN jsonb_build_object('amount', c.amount, 'currency', c.currency) END,
            'minOrder', CASE WHEN c.min_order_amount IS NOT NULL
                             THEN jsonb_build_object('amount', c.min_order_amount, 'currency', c.min_order_currency) END,
            'productRefs', to_jsonb(c.product_refs), 'categories', to_jsonb(c.categories),
            'firstPurchaseOnly', c.first_purchase_only, 'stackable', c.stackable, 'startsAt', c.starts_at, 'endsAt', c.ends_at,
            'maxRedemptions', c.max_redemptions, 'maxPerUser', c.max_per_user, 'redemptions', c.redemptions,
            'active', c.active, 'ownerId', c.owner_id))
        """

    func create(_ coupon: Coupon) async throws -> Coupon {
        var percent: Int?, amount: Int64?, currency: String?
        switch coupon.discount {
        case .percentage(let bps): percent = bps
        case .fixed(let money): (amount, currency) = (money.amount, money.currency)
        }
        return try await database.transaction { transaction in
            let inserted = try await transaction.execute("""
                INSERT INTO coupons (id, code, kind, percent_bps, amount, currency, min_order_amount, min_order_currency, product_refs,
                    categories, first_purchase_only, stackable, starts_at, ends_at, max_redemptions, max_per_user, owner_id)
                VALUES (\(coupon.id), \(coupon.code), \(percent == nil ? "fixed" : "percentage"), \(percent), \(amount), \(currency),
                    \(coupon.minOrder?.amount), \(coupon.minOrder?.currency), \(coupon.productRefs), \(coupon.categories),
                    \(coupon.firstPurchaseOnly), \(coupon.stackable), \(coupon.startsAt), \(coupon.endsAt), \(coupon.maxRedemptions),
                    \(coupon.maxPerUser), \(coupon.ownerId))
                ON CONFLICT (code) DO NOTHING
                """)
            guard inserted == 1 else {
                throw Problem(.conflict, code: "coupon_code_taken", detail: "a coupon with the code \(coupon.code) exists",
                              fieldErrors: [FieldError(field: "code", message: "is taken")])
            }
            try await outbox.publish("pricing.coupon.created", subject: coupon.code, data: coupon, in: transaction)
            return coupon
        }
    }

    func find(code: String) async throws -> Coupon? {
        try await database.queryFirst("SELECT \(Self.documentSQL) AS document FROM coupons c WHERE code = \(CouponOrder.normalized(code))")
            .map(Self.coupon(row:))
    }

    func require(code: String) async throws -> Coupon {
        guard let coupon = try await find(code: code) else { throw Problem.notFound("coupon", id: CouponOrder.normalized(code)) }
        return coupon
    }

    func list(ownerId: UUID?, after: String?, limit: Int) async throws -> [Coupon] {
        var filters: [SQL] = ["true"]
        if let ownerId { filters.append("owner_id = \(ownerId)") }
        if let after { filters.append("code > \(after)") }
        return try await database.query("""
            SELECT \(Self.documentSQL) AS document FROM coupons c WHERE \(SQL(joining: filters, separator: " AND "))
            ORDER BY code LIMIT \(limit + 1)
            """).map(Self.coupon(row:))
    }

    /// Switches the coupon off (or on again), or moves its end.
    func update(code: String, active: Bool?, endsAt: Date??) async throws -> Coupon {
        var changes: [SQL] = []
        if let active { changes.append("active = \(active)") }
        if let endsAt { changes.append("ends_at = \(endsAt)") }
        guard !changes.isEmpty else { return try await require(code: code) }
        return try await database.transaction { transaction in
            guard let row = try await transaction.queryFirst("""
                UPDATE coupons c SET \(SQL(joining: changes, separator: ", ")) WHERE code = \(CouponOrder.normalized(code))
                RETURNING \(Self.documentSQL) AS document
                """) else { throw Problem.notFound("coupon", id: CouponOrder.normalized(code)) }
            let coupon = try Self.coupon(row: row)
            try await outbox.publish("pricing.coupon.changed", subject: coupon.code, data: coupon, in: transaction)
            return coupon
        }
    }

    /// Who used the coupon, newest first.
    func redemptions(of coupon: Coupon, limit: Int) async throws -> [CouponRedemption] {
        try await database.query("""
            SELECT quote_id, user_id, discount, currency, redeemed_at FROM coupon_redemptions WHERE coupon_id = \(coupon.id)
            ORDER BY redeemed_at DESC LIMIT \(limit)
            """).map { row in
            CouponRedemption(quoteId: try row.decode("quote_id"), userId: try row.decode("user_id"), discount: try row.decode("discount"),
                             currency: try row.decode("currency"), redeemedAt: try row.decode("redeemed_at"))
        }
    }

    private static func coupon(row: PostgresRow) throws -> Coupon {
        try row.decode("document", as: JSONB<Coupon>.self).value
    }
}

struct CouponRedemption: Codable, Sendable {
    let quoteId: UUID
    let userId: UUID
    let discount: Int64
    let currency: String
    let redeemedAt: Date
}
