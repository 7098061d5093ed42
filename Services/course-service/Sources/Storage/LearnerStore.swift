import Foundation
import Shared

/// The learners of each course as enrollment-service's events describe them: the latest state
/// of each learner's enrolment, which decides who may review and how popular a course is.
enum LearnerStore {
    /// Enrolment states that make someone a learner of the course.
    static let learning = ["active", "completed"]

    /// Records a learner's enrolment state unless a newer one is known (so redelivered and
    /// out-of-order events change nothing), and recounts the course's learners.
    static func record(courseId: UUID, userId: UUID, enrollmentId: UUID, status: String, occurredAt: Date, eventId: UUID,
                       in transaction: Transaction) async throws {
        let changed = try await transaction.execute("""
            INSERT INTO course_learners (course_id, user_id, enrollment_id, status, occurred_at, event_id)
            VALUES (\(courseId), \(userId), \(enrollmentId), \(status), \(occurredAt), \(eventId))
            ON CONFLICT (course_id, user_id) DO UPDATE SET enrollment_id = excluded.enrollment_id, status = excluded.status,
                occurred_at = excluded.occurred_at, event_id = excluded.event_id
            WHERE course_learners.occurred_at < excluded.occurred_at
            """)
        guard changed > 0 else { return }
        try await transaction.execute("""
            UPDATE courses SET learner_count = (
                SELECT count(*) FROM course_learners WHERE course_id = \(courseId) AND status = ANY(\(learning)::text[]))
            WHERE id = \(courseId)
            """)
    }

    static func isLearner(_ userId: UUID, of courseId: UUID, in transaction: Transaction) async throws -> Bool {
        try await transaction.queryFirst(learnerRow(userId, of: courseId)) != nil
    }

    static func isLearner(_ userId: UUID, of courseId: UUID, in database: Database) async throws -> Bool {
        try await database.queryFirst(learnerRow(userId, of: courseId)) != nil
    }

    /// A row when the user is a learner of the course.
    private static func learnerRow(_ userId: UUID, of courseId: UUID) -> SQL {
        "SELECT 1 FROM course_learners WHERE course_id = \(courseId) AND user_id = \(userId) AND status = ANY(\(learning)::text[])"
    }
}
