import Foundation
import HTTPTypes
import Shared

/// Lesson progress and completion. Each update locks its enrollment, so a learner finishing
/// two lessons at once completes the course exactly once.
struct ProgressBook: Sendable {
    let database: Database
    let outbox: Outbox
    /// Issues the certificate, in the completing transaction.
    let certificates: CertificateBook

    /// Records progress on one lesson of an active enrollment: `in_progress` or `completed`,
    /// with the seconds spent since the last report added. A completed lesson stays completed.
    /// When this completes the last required lesson, the enrollment completes in the same
    /// transaction.
    /// - Throws: 409 `enrollment_not_active`.
    /// - Returns: the enrollment afterwards (completed, when this finished the course).
    func record(_ enrollmentId: UUID, lesson: Course.Lesson, of course: Course, status: LessonStatus, secondsSpent: Int64,
                now: Date) async throws -> Enrollment {
        try await database.transaction { transaction in
            let enrollment = try await EnrollmentStore.lock(enrollmentId, in: transaction)
            guard enrollment.status == .active else {
                throw Problem.conflict("enrollment_not_active", "enrollment \(enrollmentId) is \(enrollment.status.rawValue); progress is recorded only while it is active")
            }
            // Access that ended moments ago counts as ended even before the sweeper expires it.
            if let accessExpiresAt = enrollment.accessExpiresAt, accessExpiresAt <= now {
                throw Problem.conflict("enrollment_not_active", "access to enrollment \(enrollmentId) ended at \(Timestamp.format(accessExpiresAt))")
            }
            let before = try await transaction.queryFirst("""
                SELECT status FROM lesson_progress WHERE enrollment_id = \(enrollmentId) AND lesson_id = \(lesson.id)
                """).map { try $0.decode("status", as: LessonStatus.self) }
            let completedAt: Date? = status == .completed ? now : nil
            try await transaction.execute("""
                INSERT INTO lesson_progress (enrollment_id, lesson_id, status, seconds_spent, started_at, completed_at, last_activity_at)
                VALUES (\(enrollmentId), \(lesson.id), \(status), \(secondsSpent), \(now), \(completedAt), \(now))
                ON CONFLICT (enrollment_id, lesson_id) DO UPDATE SET
                    status = CASE WHEN lesson_progress.status = 'completed' THEN 'completed' ELSE EXCLUDED.status END,
                    seconds_spent = lesson_progress.seconds_spent + EXCLUDED.seconds_spent,
                    completed_at = coalesce(lesson_progress.completed_at, EXCLUDED.completed_at),
                    last_activity_at = EXCLUDED.last_activity_at
                """)
            guard status == .completed, before != .completed else { return enrollment }
            try await outbox.publish("lesson_completed", enrollment, lessonId: lesson.id, in: transaction)
            let done = try await EnrollmentStore.completedLessons(of: enrollmentId, in: transaction)
            guard EnrollmentPolicy.missingLessons(of: course, completed: done).isEmpty else { return enrollment }
            return try await complete(enrollment, courseTitle: course.title, by: "learner", now: now, in: transaction)
        }
    }

    /// Completes an active enrollment on request: the learner only once every required lesson
    /// is done; the course's instructor, an administrator or a service also before (`force`).
    /// - Parameter by: `learner`, or the subject of whoever forced it.
    /// - Throws: 409 `already_completed`, `enrollment_not_active`, `lessons_incomplete` (with
    ///   `missingLessons`).
    func complete(_ enrollmentId: UUID, course: Course, force: Bool, by: String, now: Date) async throws -> Enrollment {
        try await database.transaction { transaction in
            let enrollment = try await EnrollmentStore.lock(enrollmentId, in: transaction)
            switch enrollment.status {
            case .active: break
            case .completed: throw Problem.conflict("already_completed", "enrollment \(enrollmentId) was completed at \(Timestamp.format(enrollment.completedAt ?? now))")
            default: throw Problem.conflict("enrollment_not_active", "enrollment \(enrollmentId) is \(enrollment.status.rawValue)")
            }
            if !force {
                let done = try await EnrollmentStore.completedLessons(of: enrollmentId, in: transaction)
                let missing = EnrollmentPolicy.missingLessons(of: course, completed: done)
                guard missing.isEmpty else {
                    throw Problem(.conflict, code: "lessons_incomplete",
                                  detail: "\(missing.count) required lesson(s) are not completed yet",
                                  extensions: ["missingLessons": .array(missing.map { .string($0.uuidString) })])
                }
            }
            return try await complete(enrollment, courseTitle: course.title, by: by, now: now, in: transaction)
        }
    }

    private func complete(_ enrollment: Enrollment, courseTitle: String, by: String, now: Date, in transaction: Transaction) async throws
        -> Enrollment
    {
        let completed = try Rows.enrollment(try await transaction.queryFirst("""
            UPDATE enrollments AS e SET status = 'completed', completed_at = \(now), completed_by = \(by), updated_at = \(now)
            WHERE e.id = \(enrollment.id)
            RETURNING \(Rows.enrollment)
            """)!)
        try await outbox.publish("completed", completed, in: transaction)
        try await certificates.issue(CompletedEnrollment(enrollmentId: completed.id, userId: completed.userId, courseId: completed.courseId,
                                                     courseTitle: courseTitle, completedAt: completed.completedAt ?? now), in: transaction)
        return completed
    }
}
