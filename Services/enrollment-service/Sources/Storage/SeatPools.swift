import Foundation
import Shared

/// The seats of each course: the limits last read from course-service, and the lock that
/// serialises every change to who holds a seat. A seat is held by an enrollment that is
/// pending payment, active or completed, and by a waitlist offer until it is answered or runs
/// out. Every path that takes or frees a seat first locks the course's pool row (the one
/// without a cohort), so two learners can never both take the last seat.
struct SeatPools: Sendable {
    let outbox: Outbox
    let offerLifetime: Duration

    /// Records the seat limits course-service gives now and locks the course's seats for the
    /// rest of the transaction. The course's row is written (and so locked) before any cohort's,
    /// the order every transaction takes them in.
    func refreshAndLock(_ course: Course, in transaction: Transaction) async throws {
        try await refreshAndLock(courseId: course.id, capacity: course.capacity, cohorts: course.cohorts.map { ($0.id, $0.capacity) },
                                 in: transaction)
    }

    /// As `refreshAndLock(_:in:)`, from the limits alone (a `course.updated` event carries them).
    func refreshAndLock(courseId: UUID, capacity: Int?, cohorts: [(id: UUID, capacity: Int?)], in transaction: Transaction) async throws {
        // ON CONFLICT DO UPDATE locks the existing row even when its WHERE leaves it unchanged.
        try await transaction.execute("""
            INSERT INTO seat_pools (course_id, cohort_id, capacity) VALUES (\(courseId), NULL, \(capacity))
            ON CONFLICT (course_id, cohort_id) DO UPDATE SET capacity = EXCLUDED.capacity, updated_at = now()
            WHERE seat_pools.capacity IS DISTINCT FROM EXCLUDED.capacity
            """)
        try await lock(courseId, in: transaction)
        guard !cohorts.isEmpty else { return }
        try await transaction.execute("""
            INSERT INTO seat_pools (course_id, cohort_id, capacity)
            SELECT \(courseId), c.id, c.capacity FROM unnest(\(cohorts.map(\.id))::uuid[], \(cohorts.map(\.capacity))::integer[]) AS c(id, capacity)
            ON CONFLICT (course_id, cohort_id) DO UPDATE SET capacity = EXCLUDED.capacity, updated_at = now()
            WHERE seat_pools.capacity IS DISTINCT FROM EXCLUDED.capacity
            """)
    }

    /// Locks the course's seats for the rest of the transaction.
    /// - Returns: `false` when nobody ever enrolled in or queued for the course (it has no pool).
    @discardableResult
    func lock(_ courseId: UUID, in transaction: Transaction) async throws -> Bool {
        try await transaction.queryFirst("""
            SELECT 1 FROM seat_pools WHERE course_id = \(courseId) AND cohort_id IS NULL FOR UPDATE
            """) != nil
    }

    /// The course's limits and the seats held now. Call with the course locked.
    func plan(_ courseId: UUID, in transaction: Transaction) async throws -> SeatPlan {
        let rows = try await transaction.query("""
            SELECT p.cohort_id, p.capacity,
                (SELECT count(*) FROM enrollments e
                 WHERE e.course_id = p.course_id AND (p.cohort_id IS NULL OR e.cohort_id = p.cohort_id)
                   AND e.status IN ('pending_payment', 'active', 'completed'))
                + (SELECT count(*) FROM waitlist_entries w
                   WHERE w.course_id = p.course_id AND (p.cohort_id IS NULL OR w.cohort_id = p.cohort_id) AND w.status = 'offered')
                AS held
            FROM seat_pools p WHERE p.course_id = \(courseId)
            """)
        var plan = SeatPlan(course: .init(capacity: nil, held: 0), cohorts: [:])
        for row in rows {
            let pool = SeatPlan.Pool(capacity: try row.decode("capacity"), held: try row.decode("held"))
            if let cohort = try row.decode("cohort_id", as: UUID?.self) {
                plan.cohorts[cohort] = pool
            } else {
                plan.course = pool
            }
        }
        return plan
    }

    /// Offers every free seat of the course to the learners first in line, each offer held for
    /// the offer lifetime, with a `waitlist.offered` event each. Called wherever a seat may have
    /// come free (a cancellation, an expiry, a declined or expired offer, more capacity), with
    /// the course locked.
    /// - Returns: the seat plan after the offers.
    @discardableResult
    func offerFreeSeats(_ courseId: UUID, now: Date, in transaction: Transaction) async throws -> SeatPlan {
        var plan = try await plan(courseId, in: transaction)
        let queue = try await transaction.query("""
            SELECT id, cohort_id FROM waitlist_entries WHERE course_id = \(courseId) AND status = 'waiting' ORDER BY seq
            """).map { (id: try $0.decode("id", as: UUID.self), cohort: try $0.decode("cohort_id", as: UUID?.self)) }
        let chosen = plan.offers(to: queue) { $0.cohort }.map(\.id)
        guard !chosen.isEmpty else { return plan }
        let expiresAt = now.addingTimeInterval(TimeInterval(offerLifetime.components.seconds))
        let offered = try await transaction.query("""
            UPDATE waitlist_entries AS w SET status = 'offered', offered_at = \(now), offer_expires_at = \(expiresAt)
            WHERE w.id = ANY(\(chosen)::uuid[])
            RETURNING \(Rows.entry)
            """).map(Rows.entry)
        let order = Dictionary(uniqueKeysWithValues: chosen.enumerated().map { ($1, $0) })
        for entry in offered.sorted(by: { order[$0.id]! < order[$1.id]! }) {
            try await outbox.publish("offered", entry, in: transaction)
        }
        return plan
    }

    /// New limits from course-service for a course someone enrolled in or queued for; a course
    /// without a pool is left alone until its first enrollment reads the limits itself. Seats
    /// that the new limits free are offered at once.
    func applyLimits(courseId: UUID, capacity: Int?, cohorts: [(id: UUID, capacity: Int?)], now: Date,
                     in transaction: Transaction) async throws {
        guard try await lock(courseId, in: transaction) else { return }
        try await refreshAndLock(courseId: courseId, capacity: capacity, cohorts: cohorts, in: transaction)
        try await offerFreeSeats(courseId, now: now, in: transaction)
    }
}
