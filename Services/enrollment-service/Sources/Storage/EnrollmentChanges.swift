import Foundation
import Shared

/// Changes to an enrollment after it was made: cancelling, moving to another cohort, setting
/// when access ends, and activation by a payment. Whatever frees a seat offers it to the
/// waitlist in the same transaction.
struct EnrollmentChanges: Sendable {
    let database: Database
    let outbox: Outbox
    let seats: SeatPools

    /// Cancels a pending or active enrollment; its seat goes to the first in line.
    /// - Throws: 409 `enrollment_not_cancellable` for a completed, cancelled or expired one.
    func cancel(_ enrollment: Enrollment, now: Date) async throws -> Enrollment {
        try await database.transaction { transaction in
            try await seats.lock(enrollment.courseId, in: transaction)
            let current = try await EnrollmentStore.lock(enrollment.id, in: transaction)
            guard current.status.isCancellable else {
                throw Problem.conflict("enrollment_not_cancellable", "enrollment \(current.id) is \(current.status.rawValue) and cannot be cancelled")
            }
            let cancelled = try Rows.enrollment(try await transaction.queryFirst("""
                UPDATE enrollments AS e SET status = 'cancelled', cancelled_at = \(now), updated_at = \(now) WHERE e.id = \(current.id)
                RETURNING \(Rows.enrollment)
                """)!)
            try await outbox.publish("cancelled", cancelled, in: transaction)
            try await seats.offerFreeSeats(current.courseId, now: now, in: transaction)
            return cancelled
        }
    }

    /// What `PUT /enrollments/{id}` asks for; `nil` leaves a field as it is.
    struct Change: Sendable {
        /// Move to this cohort of the same course (checked against the course by the caller).
        var cohortId: UUID?
        /// Set (`.some(date)`) or clear (`.some(nil)`) when access ends.
        var accessExpiresAt: Date??
    }

    /// Moves a pending or active enrollment to another cohort of its course when that cohort has
    /// a seat (learners waiting for it come first), and sets or clears when access ends. The
    /// seat left behind goes to the first in line.
    /// - Parameter course: the course as course-service gives it now; needed to move.
    /// - Throws: 409 `enrollment_not_active`, `cohort_full`.
    func change(_ enrollment: Enrollment, _ change: Change, course: Course?, now: Date) async throws -> Enrollment {
        try await database.transaction { transaction in
            if let course {
                try await seats.refreshAndLock(course, in: transaction)
            } else {
                try await seats.lock(enrollment.courseId, in: transaction)
            }
            let current = try await EnrollmentStore.lock(enrollment.id, in: transaction)
            guard current.status == .pendingPayment || current.status == .active else {
                throw Problem.conflict("enrollment_not_active", "enrollment \(current.id) is \(current.status.rawValue); only pending or active enrollments change")
            }
            var assignments: [SQL] = ["updated_at = \(now)"]
            let moving = change.cohortId.map { $0 != current.cohortId } ?? false
            // Asking for the cohort it is in already changes nothing and tells nobody.
            if !moving && change.accessExpiresAt == nil { return current }
            if moving, let cohortId = change.cohortId {
                let plan = try await seats.offerFreeSeats(current.courseId, now: now, in: transaction)
                guard plan.cohortHasRoom(cohortId) else {
                    throw Problem.conflict("cohort_full", "cohort \(cohortId) has no free seat")
                }
                assignments.append("cohort_id = \(cohortId)")
            }
            if let accessExpiresAt = change.accessExpiresAt {
                assignments.append("access_expires_at = \(accessExpiresAt)")
            }
            let changed = try Rows.enrollment(try await transaction.queryFirst("""
                UPDATE enrollments AS e SET \(SQL(joining: assignments, separator: ", ")) WHERE e.id = \(current.id)
                RETURNING \(Rows.enrollment)
                """)!)
            try await outbox.publish("updated", changed, in: transaction)
            if moving { try await seats.offerFreeSeats(current.courseId, now: now, in: transaction) }
            return changed
        }
    }

    /// `payment.succeeded` for an enrollment: a pending one becomes active
    /// (`enrollment.activated`). A payment that cannot be applied (unknown enrollment, another
    /// learner's, no longer pending) publishes `enrollment.payment_unmatched` so that
    /// payment-service refunds it; the same payment seen again changes nothing.
    func applyPayment(_ payment: PaymentSucceeded, enrollmentId: UUID, now: Date, in transaction: Transaction) async throws {
        func unmatched(_ reason: String, userId: UUID?) async throws {
            try await outbox.publish("enrollment.payment_unmatched", subject: enrollmentId.lowercasedText,
                                     data: UnmatchedPayment(enrollmentId: enrollmentId, paymentId: payment.paymentId, userId: userId,
                                                            amount: payment.amount, reason: reason),
                                     in: transaction)
        }
        guard let row = try await transaction.queryFirst("SELECT \(Rows.enrollment) FROM enrollments e WHERE e.id = \(enrollmentId) FOR UPDATE") else {
            return try await unmatched("unknown_enrollment", userId: payment.userId)
        }
        let enrollment = try Rows.enrollment(row)
        if enrollment.paymentId == payment.paymentId { return }
        if let payer = payment.userId, payer != enrollment.userId {
            return try await unmatched("user_mismatch", userId: payer)
        }
        guard enrollment.status == .pendingPayment else {
            return try await unmatched(enrollment.status.rawValue, userId: enrollment.userId)
        }
        let activated = try Rows.enrollment(try await transaction.queryFirst("""
            UPDATE enrollments AS e SET status = 'active', activated_at = \(now), payment_id = \(payment.paymentId),
                paid_amount = \(payment.amount?.amount), paid_currency = \(payment.amount?.currency), updated_at = \(now)
            WHERE e.id = \(enrollmentId)
            RETURNING \(Rows.enrollment)
            """)!)
        try await outbox.publish("activated", activated, in: transaction)
    }
}

/// The data of `payment.succeeded` that enrollment-service reads (its own slim copy).
struct PaymentSucceeded: Decodable, Sendable {
    let paymentId: String
    let userId: UUID?
    /// The enrollment paid for; payments for anything else leave it out.
    let enrollmentId: UUID?
    let amount: Money?
}
