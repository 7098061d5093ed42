import Foundation
import HTTPTypes
import Shared

extension Quote.Status: PostgresTextDecodable {}

/// Quotes: issued, read, and redeemed once when paid.
struct QuoteBook: Sendable {
    let database: Database
    let outbox: Outbox
    let signer: QuoteSigner
    let lifetime: Duration

    static let columns: SQL = "id, buyer_id, document, key_id, signature, created_at, expires_at, status, redeemed_at, payment_id, refusal"

    /// Signs and records the priced cart as a quote valid for the quote lifetime, and records the
    /// experiment variants the buyer was put in.
    /// - Returns: the quote, and the priced cart's JSON text as stored (for the answer, so that
    ///   the quote's largest part is written once).
    func issue(_ priced: PricedCart, buyer: Buyer, now: Date) async throws -> (quote: Quote, pricedDocument: String) {
        let id = UUIDv7.make()
        // Whole seconds, so that the expiry reads back from the database exactly as signed.
        let createdAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let expiresAt = createdAt.addingTimeInterval(TimeInterval(lifetime.components.seconds))
        let signature = try signer.sign(Quote.signedText(id: id, buyerId: buyer.id, priced: priced, expiresAt: expiresAt))
        let quote = Quote(id: id, buyerId: buyer.id, createdAt: createdAt, expiresAt: expiresAt, priced: priced, signature: signature,
                          status: .open)
        let document = priced.jsonText
        // One statement, so one round trip, and atomic: the quote and the variants together.
        try await database.execute("""
            WITH quote AS (
                INSERT INTO quotes (id, buyer_id, currency, total, document, coupon_ids, key_id, signature, created_at, expires_at)
                VALUES (\(id), \(buyer.id), \(priced.currency), \(priced.total), \(document)::json, \(priced.couponIds),
                        \(signature.keyId), \(signature.value), \(createdAt), \(expiresAt)))
            INSERT INTO experiment_assignments (experiment_key, user_id, variant)
            SELECT key, \(buyer.id), variant FROM unnest(\(priced.experiments.map(\.experimentKey))::text[],
                                                       \(priced.experiments.map(\.variant))::text[]) AS e(key, variant)
            ON CONFLICT DO NOTHING
            """)
        return (quote, document)
    }

    func find(_ id: UUID) async throws -> Quote? {
        try await database.queryFirst("SELECT \(Self.columns) FROM quotes WHERE id = \(id)").map(Self.quote(row:))
    }

    func require(_ id: UUID) async throws -> Quote {
        guard let quote = try await find(id) else { throw Problem.notFound("quote", id: id) }
        return quote
    }

    /// A buyer's quotes, newest first.
    func quotes(of buyer: UUID, before: UUID?, limit: Int) async throws -> [Quote] {
        let after: SQL = before.map { "AND id < \($0)" } ?? ""
        return try await database.query("""
            SELECT \(Self.columns) FROM quotes WHERE buyer_id = \(buyer) \(after) ORDER BY id DESC LIMIT \(limit + 1)
            """).map(Self.quote(row:))
    }

    /// Marks the quote paid and consumes its coupon uses, all or nothing. No coupon limit is
    /// ever exceeded: each use is a conditional update of the coupon's own row, so buyers racing
    /// for the last use are served one at a time by the row lock and only one finds it left.
    /// Repeating a redemption with the same payment id returns the redeemed quote.
    /// - Throws: 409 `quote_expired`, `quote_already_redeemed`, `quote_refused`, `payment_already_used`,
    ///   `coupon_exhausted`, `coupon_limit_reached` or `coupon_first_purchase_only`; 404 for an unknown quote.
    func redeem(_ id: UUID, paymentId: String?, now: Date) async throws -> Quote {
        try await database.transaction { transaction in
            guard let row = try await transaction.queryFirst("SELECT \(Self.columns) FROM quotes WHERE id = \(id) FOR UPDATE") else {
                throw Problem.notFound("quote", id: id)
            }
            var quote = try Self.quote(row: row)
            switch quote.status {
            case .redeemed where paymentId != nil && quote.paymentId == paymentId:
                return quote
            case .redeemed:
                throw Problem.conflict("quote_already_redeemed", "quote \(id) was redeemed at \(Timestamp.format(quote.redeemedAt ?? now))")
            case .refused:
                throw Problem.conflict("quote_refused", "quote \(id) was refused: \(quote.refusal ?? "")")
            case .open:
                break
            }
            if quote.isExpired(at: now) {
                throw Problem.conflict("quote_expired", "quote \(id) expired at \(Timestamp.format(quote.expiresAt)); ask for a new quote")
            }
            try await consumeCoupons(of: quote, in: transaction)
            do {
                try await transaction.execute("""
                    UPDATE quotes SET status = 'redeemed', redeemed_at = \(now), payment_id = \(paymentId) WHERE id = \(id)
                    """)
            } catch let error as PostgresError where error.constraint == "quotes_payment_id_key" {
                // Another quote was paid by this payment; the rollback undoes the coupon uses above.
                throw Self.paymentAlreadyUsed(paymentId ?? "")
            }
            quote.status = .redeemed
            quote.redeemedAt = now
            quote.paymentId = paymentId
            try await outbox.publish("pricing.quote.redeemed", subject: id.lowercasedText, data: QuoteEvent(quote), in: transaction)
            return quote
        }
    }

    private static func paymentAlreadyUsed(_ paymentId: String) -> Problem {
        Problem(.conflict, code: "payment_already_used", detail: "payment \(paymentId) already paid another quote",
                fieldErrors: [FieldError(field: "paymentId", message: "already paid another quote")])
    }

    private func consumeCoupons(of quote: Quote, in transaction: Transaction) async throws {
        let purchases = try await transaction.queryFirst("""
            INSERT INTO buyer_purchases (user_id, purchases) VALUES (\(quote.buyerId), 1)
            ON CONFLICT (user_id) DO UPDATE SET purchases = buyer_purchases.purchases + 1
            RETURNING purchases
            """)!.decode("purchases", as: Int.self)
        // Coupons are locked in one order by every redemption, so two never wait for each other.
        for couponId in quote.priced.couponIds.sorted(by: { $0.uuidString < $1.uuidString }) {
            guard let coupon = try await transaction.queryFirst("""
                UPDATE coupons SET redemptions = redemptions + 1
                WHERE id = \(couponId) AND (max_redemptions IS NULL OR redemptions < max_redemptions)
                RETURNING code, first_purchase_only, max_per_user
                """) else {
                throw Problem.conflict("coupon_exhausted", "a coupon of this quote has been used as many times as it may be; ask for a new quote")
            }
            let (code, firstPurchaseOnly, maxPerUser) = try coupon.decode(String.self, Bool.self, Int?.self)
            if firstPurchaseOnly && purchases > 1 {
                throw Problem.conflict("coupon_first_purchase_only", "coupon \(code) is for a first purchase only")
            }
            let limit: SQL = maxPerUser.map { "WHERE coupon_user_redemptions.uses < \($0)" } ?? ""
            guard try await transaction.execute("""
                INSERT INTO coupon_user_redemptions (coupon_id, user_id, uses) VALUES (\(couponId), \(quote.buyerId), 1)
                ON CONFLICT (coupon_id, user_id) DO UPDATE SET uses = coupon_user_redemptions.uses + 1 \(limit)
                """) == 1 else {
                throw Problem.conflict("coupon_limit_reached", "coupon \(code) has already been used by this buyer as many times as it may be")
            }
            let discount = quote.priced.lines.flatMap(\.discounts).filter { $0.source == .coupon && $0.ref == code }.reduce(0) { $0 + $1.amount }
            try await transaction.execute("""
                INSERT INTO coupon_redemptions (coupon_id, quote_id, user_id, discount, currency)
                VALUES (\(couponId), \(quote.id), \(quote.buyerId), \(discount), \(quote.priced.currency))
                """)
        }
    }

    /// Records that a payment arrived for a quote that cannot be honoured, so that
    /// payment-service refunds it; a quote already redeemed keeps its status.
    func refuse(_ id: UUID, paymentId: String, reason: String) async throws {
        try await database.transaction { transaction in
            try await transaction.execute("""
                UPDATE quotes SET status = 'refused', refusal = \(reason) WHERE id = \(id) AND status = 'open'
                """)
            try await outbox.publish("pricing.quote.refused", subject: id.lowercasedText,
                                     data: RefusedPayment(quoteId: id, paymentId: paymentId, reason: reason), in: transaction)
        }
    }

    private static func quote(row: PostgresRow) throws -> Quote {
        Quote(id: try row.decode("id"), buyerId: try row.decode("buyer_id"), createdAt: try row.decode("created_at"),
              expiresAt: try row.decode("expires_at"), priced: try row.decode("document", as: JSONB<PricedCart>.self).value,
              signature: QuoteSignature(keyId: try row.decode("key_id"), value: try row.decode("signature")),
              status: try row.decode("status"), redeemedAt: try row.decode("redeemed_at"),
              paymentId: try row.decode("payment_id"), refusal: try row.decode("refusal"))
    }
}

/// The data of `pricing.quote.redeemed`.
struct QuoteEvent: Codable, Sendable {
    let quoteId: UUID
    let buyerId: UUID
    let currency: String
    let total: Int64
    let paymentId: String?
    let couponIds: [UUID]

    init(_ quote: Quote) {
        quoteId = quote.id
        buyerId = quote.buyerId
        currency = quote.priced.currency
        total = quote.priced.total
        paymentId = quote.paymentId
        couponIds = quote.priced.couponIds
    }
}

/// The data of `pricing.quote.refused`: payment-service refunds the payment.
struct RefusedPayment: Codable, Sendable {
    let quoteId: UUID
    let paymentId: String
    let reason: String
}
