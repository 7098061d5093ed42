import Foundation
import Shared

/// Automatic promotions, managed by administrators.
struct PromotionStore: Sendable {
    let database: Database
    let outbox: Outbox

    static let columns: SQL = "id, name, kind, params, product_refs, categories, starts_at, ends_at"

    func create(_ promotion: Promotion) async throws -> Promotion {
        try await database.transaction { transaction in
            try await transaction.execute("""
                INSERT INTO promotions (id, name, kind, params, product_refs, categories, starts_at, ends_at)
                VALUES (\(promotion.id), \(promotion.name), \(promotion.rule.kind.rawValue), \(JSONB(promotion)),
                        \(promotion.productRefs), \(promotion.categories), \(promotion.startsAt), \(promotion.endsAt))
                """)
            try await outbox.publish("pricing.promotion.created", subject: promotion.id.lowercasedText, data: promotion,
                                     in: transaction)
            return promotion
        }
    }

    func find(_ id: UUID) async throws -> Promotion? {
        try await database.queryFirst("SELECT params FROM promotions WHERE id = \(id)").map(Self.promotion(row:))
    }

    /// Every promotion, or those live at a moment, newest first.
    func list(liveAt: Date?, before: UUID?, limit: Int) async throws -> [Promotion] {
        var filters: [SQL] = ["true"]
        if let liveAt { filters.append("starts_at <= \(liveAt) AND (ends_at IS NULL OR ends_at > \(liveAt))") }
        if let before { filters.append("id < \(before)") }
        return try await database.query("""
            SELECT params FROM promotions WHERE \(SQL(joining: filters, separator: " AND ")) ORDER BY id DESC LIMIT \(limit + 1)
            """).map(Self.promotion(row:))
    }

    /// Ends the promotion now; ending one already over changes nothing.
    func end(_ id: UUID, now: Date) async throws -> Promotion {
        try await database.transaction { transaction in
            guard let row = try await transaction.queryFirst("SELECT params FROM promotions WHERE id = \(id) FOR UPDATE") else {
                throw Problem.notFound("promotion", id: id)
            }
            let promotion = try Self.promotion(row: row)
            if let endsAt = promotion.endsAt, endsAt <= now { return promotion }
            let ended = Promotion(id: promotion.id, name: promotion.name, rule: promotion.rule, productRefs: promotion.productRefs,
                                  categories: promotion.categories, startsAt: min(promotion.startsAt, now), endsAt: now)
            try await transaction.execute("""
                UPDATE promotions SET ends_at = \(now), starts_at = \(ended.startsAt), params = \(JSONB(ended)) WHERE id = \(id)
                """)
            try await outbox.publish("pricing.promotion.ended", subject: id.lowercasedText, data: ended, in: transaction)
            return ended
        }
    }

    private static func promotion(row: PostgresRow) throws -> Promotion {
        try row.decode("params", as: JSONB<Promotion>.self).value
    }
}
