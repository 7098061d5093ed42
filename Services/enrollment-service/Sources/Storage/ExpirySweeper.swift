import Foundation
import Logging
import Shared

/// Ends what has run out on the fleet clock: enrollments unpaid past their payment window and
/// active ones past their access end become `expired`; offers past their time become
/// `offer_expired`. Each course is handled in one transaction with its seats locked, and the
/// seats freed are offered to the next in line at once. A `Sweeper` runs it every few seconds,
/// and at once when the test clock moves.
struct ExpirySweeper: Sendable {
    let database: Database
    let outbox: Outbox
    let seats: SeatPools
    let logger: Logger
    static let batchSize = 200

    /// The service that sweeps every `interval`, and whenever the clock jumps.
    func service(every interval: Duration, clock: FleetClock) -> Sweeper {
        Sweeper("expiring enrollments and offers", every: interval, clock: clock, logger: logger) { now in
            try await sweepOnce(now: now) == Self.batchSize
        }
    }

    /// Sweeps one batch of courses with something overdue; returns how many it looked at.
    @discardableResult
    func sweepOnce(now: Date) async throws -> Int {
        let courses: [UUID] = try await database.query("""
            SELECT course_id FROM enrollments
            WHERE (status = 'pending_payment' AND payment_due_at <= \(now)) OR (status = 'active' AND access_expires_at <= \(now))
            UNION
            SELECT course_id FROM waitlist_entries WHERE status = 'offered' AND offer_expires_at <= \(now)
            LIMIT \(Self.batchSize)
            """).map { try $0.decode("course_id") }
        for course in courses {
            try await sweep(course, now: now)
        }
        return courses.count
    }

    private func sweep(_ courseId: UUID, now: Date) async throws {
        try await database.transaction { transaction in
            try await seats.lock(courseId, in: transaction)
            let expired = try await transaction.query("""
                UPDATE enrollments AS e SET status = 'expired', expired_at = \(now), updated_at = \(now)
                WHERE e.course_id = \(courseId)
                  AND ((e.status = 'pending_payment' AND e.payment_due_at <= \(now)) OR (e.status = 'active' AND e.access_expires_at <= \(now)))
                RETURNING \(Rows.enrollment)
                """).map(Rows.enrollment)
            for enrollment in expired {
                let reason = enrollment.activatedAt == nil ? "payment_overdue" : "access_ended"
                try await outbox.publish("expired", enrollment, reason: reason, in: transaction)
            }
            let lapsed = try await transaction.query("""
                UPDATE waitlist_entries AS w SET status = 'offer_expired', ended_at = \(now)
                WHERE w.course_id = \(courseId) AND w.status = 'offered' AND w.offer_expires_at <= \(now)
                RETURNING \(Rows.entry)
                """).map(Rows.entry)
            for entry in lapsed {
                try await outbox.publish("offer_expired", entry, in: transaction)
            }
            try await seats.offerFreeSeats(courseId, now: now, in: transaction)
            if !expired.isEmpty || !lapsed.isEmpty {
                logger.info("expired enrollments and offers",
                            metadata: ["courseId": "\(courseId)", "enrollments": "\(expired.count)", "offers": "\(lapsed.count)"])
            }
        }
    }
}
