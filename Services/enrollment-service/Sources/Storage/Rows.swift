import Foundation
import Shared

extension EnrollmentStatus: PostgresEncodable, PostgresTextDecodable {
    var postgresText: String? { rawValue }
}

extension LessonStatus: PostgresEncodable, PostgresTextDecodable {
    var postgresText: String? { rawValue }
}

extension WaitlistStatus: PostgresEncodable, PostgresTextDecodable {
    var postgresText: String? { rawValue }
}

/// The columns enrollments and waitlist entries are read with, and how a row becomes one.
enum Rows {
    static let enrollment: SQL = """
        e.id, e.user_id, e.course_id, e.cohort_id, e.course_title, e.status, e.price_amount, e.price_currency, e.payment_due_at,
        e.payment_id, e.activated_at, e.completed_at, e.cancelled_at, e.expired_at, e.access_expires_at, e.created_at, e.updated_at
        """

    /// A waitlist entry's columns (table alias `w`) with its position among those still waiting
    /// for the same course and cohort.
    static let entry: SQL = """
        w.id, w.user_id, w.course_id, w.cohort_id, w.status, w.joined_at, w.offered_at, w.offer_expires_at, w.ended_at,
        w.enrollment_id,
        CASE WHEN w.status = 'waiting' THEN (
            SELECT count(*) FROM waitlist_entries o
            WHERE o.course_id = w.course_id AND o.cohort_id IS NOT DISTINCT FROM w.cohort_id AND o.status = 'waiting' AND o.seq <= w.seq
        ) END AS position
        """

    static func enrollment(_ row: PostgresRow) throws -> Enrollment {
        Enrollment(
            id: try row.decode("id"), userId: try row.decode("user_id"), courseId: try row.decode("course_id"),
            cohortId: try row.decode("cohort_id"), courseTitle: try row.decode("course_title"), status: try row.decode("status"),
            price: Money(amount: try row.decode("price_amount"), currency: try row.decode("price_currency")),
            paymentDueAt: try row.decode("payment_due_at"), paymentId: try row.decode("payment_id"),
            activatedAt: try row.decode("activated_at"), completedAt: try row.decode("completed_at"),
            cancelledAt: try row.decode("cancelled_at"), expiredAt: try row.decode("expired_at"),
            accessExpiresAt: try row.decode("access_expires_at"), createdAt: try row.decode("created_at"),
            updatedAt: try row.decode("updated_at"))
    }

    static func entry(_ row: PostgresRow) throws -> WaitlistEntry {
        WaitlistEntry(
            id: try row.decode("id"), userId: try row.decode("user_id"), courseId: try row.decode("course_id"),
            cohortId: try row.decode("cohort_id"), status: try row.decode("status"), position: try row.decode("position"),
            joinedAt: try row.decode("joined_at"), offeredAt: try row.decode("offered_at"),
            offerExpiresAt: try row.decode("offer_expires_at"), endedAt: try row.decode("ended_at"),
            enrollmentId: try row.decode("enrollment_id"))
    }

    static func progress(_ row: PostgresRow) throws -> LessonProgress {
        LessonProgress(lessonId: try row.decode("lesson_id"), status: try row.decode("status"),
                       secondsSpent: try row.decode("seconds_spent"), startedAt: try row.decode("started_at"),
                       completedAt: try row.decode("completed_at"), lastActivityAt: try row.decode("last_activity_at"))
    }
}

extension Certificate {
    /// The columns `init(row:)` reads, from `certificates`.
    static let columns: SQL = """
        id, enrollment_id, user_id, course_id, learner_name, course_title, completed_at, issued_at, key_id, credential,
        revoked_at, revocation_reason
        """

    init(row: PostgresRow) throws {
        self.init(
            id: try row.decode("id"), enrollmentId: try row.decode("enrollment_id"), userId: try row.decode("user_id"),
            courseId: try row.decode("course_id"), learnerName: try row.decode("learner_name"),
            courseTitle: try row.decode("course_title"), completedAt: try row.decode("completed_at"),
            issuedAt: try row.decode("issued_at"), keyId: try row.decode("key_id"), credential: try row.decode("credential"),
            revokedAt: try row.decode("revoked_at"), revocationReason: try row.decode("revocation_reason"))
    }
}
