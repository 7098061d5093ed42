import Foundation
import Shared

/// The spend side of budgets in PostgreSQL: reserving a call's estimated cost on every budget
/// that covers it, settling it with the actual cost, and releasing reservations that were never
/// settled.
///
/// A reservation is one statement: for each budget, one conditional upsert of its current
/// period's usage row (`spent + reserved + estimate <= limit`, evaluated on the locked row, so
/// concurrent calls queue on it and cannot overspend), plus one hold row per budget naming the
/// reservation. If any budget refuses, the transaction rolls back and nothing is held anywhere.
struct BudgetHolds: Sendable {
    let database: Database

    /// Reserves `micros` on each budget.
    /// - Returns: the holds made, one per budget that has a spend limit.
    /// - Throws: `BudgetRefusal.budgetExhausted` naming the first budget that cannot cover it.
    func reserve(_ reservationId: UUID, budgets budgetIds: [UUID], micros: Int64) async throws -> [Reservation.Hold] {
        guard !budgetIds.isEmpty else { return [] }
        return try await database.transaction { transaction in
            let rows = try await transaction.query("""
                WITH applicable AS (
                    SELECT id, scope_kind, period, limit_micros, date_trunc(period, now()) AS window_start
                    FROM budgets WHERE id = ANY(\(budgetIds)::uuid[]) AND limit_micros IS NOT NULL
                    ORDER BY id
                ), reserved AS (
                    INSERT INTO budget_usage AS u (budget_id, window_start, reserved_micros)
                    SELECT id, window_start, \(micros) FROM applicable WHERE \(micros) <= limit_micros
                    ORDER BY id
                    ON CONFLICT (budget_id, window_start) DO UPDATE
                        SET reserved_micros = u.reserved_micros + excluded.reserved_micros, updated_at = now()
                        WHERE u.spent_micros + u.reserved_micros + excluded.reserved_micros
                              <= (SELECT limit_micros FROM budgets WHERE id = u.budget_id)
                    RETURNING u.budget_id, u.window_start
                ), held AS (
                    INSERT INTO budget_holds (reservation_id, budget_id, window_start, amount_micros)
                    SELECT \(reservationId), budget_id, window_start, \(micros) FROM reserved
                )
                SELECT a.id, a.scope_kind, a.period, a.window_start, r.budget_id IS NOT NULL AS reserved,
                       a.window_start + ('1 ' || a.period)::interval AS window_end
                FROM applicable a LEFT JOIN reserved r ON r.budget_id = a.id
                ORDER BY (a.scope_kind = 'user') DESC, (a.scope_kind = 'course') DESC, a.id
                """)
            if let refused = try rows.first(where: { try !$0.decode("reserved", as: Bool.self) }) {
                throw BudgetRefusal.budgetExhausted(scope: try refused.decode("scope_kind"), period: try refused.decode("period"),
                                                    resetsAt: try refused.decode("window_end"))
            }
            return try rows.map { Reservation.Hold(budgetId: try $0.decode("id"), windowStart: try $0.decode("window_start")) }
        }
    }

    /// Replaces the reservation's holds with the actual spend, in one statement. A hold the sweep
    /// already released is not subtracted again; the spend is recorded either way.
    func settle(_ reservation: Reservation, actualMicros: Int64, actualTokens: Int) async throws {
        guard !reservation.holds.isEmpty else { return }
        try await database.execute("""
            WITH released AS (
                DELETE FROM budget_holds WHERE reservation_id = \(reservation.id)
                RETURNING budget_id, window_start, amount_micros
            ), settled AS (
                SELECT k.budget_id, k.window_start, coalesce(r.amount_micros, 0) AS amount_micros
                FROM unnest(\(reservation.holds.map(\.budgetId))::uuid[], \(reservation.holds.map(\.windowStart))::timestamptz[])
                     AS k (budget_id, window_start)
                LEFT JOIN released r ON r.budget_id = k.budget_id AND r.window_start = k.window_start
            )
            UPDATE budget_usage u
            SET reserved_micros = greatest(0, u.reserved_micros - s.amount_micros),
                spent_micros = u.spent_micros + \(max(0, actualMicros)),
                requests = u.requests + 1, tokens = u.tokens + \(max(0, actualTokens)), updated_at = now()
            FROM settled s
            WHERE u.budget_id = s.budget_id AND u.window_start = s.window_start
            """)
    }

    /// Releases holds older than `age` whose calls never settled (the process died mid-call).
    /// - Returns: how many holds were released.
    @discardableResult
    func releaseStale(olderThan age: Duration) async throws -> Int {
        let row = try await database.queryFirst("""
            WITH released AS (
                DELETE FROM budget_holds WHERE created_at < now() - make_interval(secs => \(Double(age.components.seconds)))
                RETURNING budget_id, window_start, amount_micros
            ), totals AS (
                SELECT budget_id, window_start, sum(amount_micros) AS amount, count(*) AS holds
                FROM released GROUP BY budget_id, window_start
            ), updated AS (
                UPDATE budget_usage u SET reserved_micros = greatest(0, u.reserved_micros - t.amount), updated_at = now()
                FROM totals t WHERE u.budget_id = t.budget_id AND u.window_start = t.window_start
            )
            SELECT coalesce(sum(holds), 0)::bigint AS released FROM totals
            """)
        return try row?.decode("released", as: Int.self) ?? 0
    }
}
