import Foundation
import HTTPTypes
import Shared

/// Reading enrollments and their lesson progress.
struct EnrollmentStore: Sendable {
    let database: Database

    /// Which enrollments a list shows.
    struct Filter: Sendable {
        var userId: UUID?
        var courseId: UUID?
        var status: EnrollmentStatus?
    }

    func find(_ id: UUID) async throws -> Enrollment? {
        try await database.queryFirst("SELECT \(Rows.enrollment) FROM enrollments e WHERE e.id = \(id)").map(Rows.enrollment)
    }

    /// - Throws: 404 when there is no such enrollment.
    func require(_ id: UUID) async throws -> Enrollment {
        guard let enrollment = try await find(id) else { throw Problem.notFound("enrollment", id: id) }
        return enrollment
    }

    /// Enrollments matching the filter, newest first, after the cursor's id.
    func list(_ filter: Filter, before cursor: UUID?, limit: Int) async throws -> [Enrollment] {
        var conditions: [SQL] = ["TRUE"]
        if let userId = filter.userId { conditions.append("e.user_id = \(userId)") }
        if let courseId = filter.courseId { conditions.append("e.course_id = \(courseId)") }
        if let status = filter.status { conditions.append("e.status = \(status)") }
        if let cursor { conditions.append("e.id < \(cursor)") }
        return try await database.query("""
            SELECT \(Rows.enrollment) FROM enrollments e WHERE \(SQL(joining: conditions, separator: " AND "))
            ORDER BY e.id DESC LIMIT \(limit + 1)
            """).map(Rows.enrollment)
    }

    /// The enrollment's lesson progress, in no particular order.
    func progress(of enrollmentId: UUID) async throws -> [LessonProgress] {
        try await database.query("""
            SELECT lesson_id, status, seconds_spent, started_at, completed_at, last_activity_at
            FROM lesson_progress WHERE enrollment_id = \(enrollmentId)
            """).map(Rows.progress)
    }

    /// The enrollment, locked for the rest of the transaction.
    static func lock(_ id: UUID, in transaction: Transaction) async throws -> Enrollment {
        guard let row = try await transaction.queryFirst("SELECT \(Rows.enrollment) FROM enrollments e WHERE e.id = \(id) FOR UPDATE") else {
            throw Problem.notFound("enrollment", id: id)
        }
        return try Rows.enrollment(row)
    }

    /// The learner's enrollment in the course that is pending payment, active or completed.
    static func live(userId: UUID, courseId: UUID, in transaction: Transaction) async throws -> Enrollment? {
        try await transaction.queryFirst("""
            SELECT \(Rows.enrollment) FROM enrollments e
            WHERE e.user_id = \(userId) AND e.course_id = \(courseId) AND e.status IN ('pending_payment', 'active', 'completed')
            """).map(Rows.enrollment)
    }

    /// Which of the courses the learner has completed.
    static func completedCourses(userId: UUID, among courses: [UUID], in transaction: Transaction) async throws -> Set<UUID> {
        guard !courses.isEmpty else { return [] }
        return Set(try await transaction.query("""
            SELECT DISTINCT course_id FROM enrollments
            WHERE user_id = \(userId) AND status = 'completed' AND course_id = ANY(\(courses)::uuid[])
            """).map { try $0.decode("course_id", as: UUID.self) })
    }

    /// The lessons of the enrollment the learner has completed.
    static func completedLessons(of enrollmentId: UUID, in transaction: Transaction) async throws -> Set<UUID> {
        Set(try await transaction.query("""
            SELECT lesson_id FROM lesson_progress WHERE enrollment_id = \(enrollmentId) AND status = 'completed'
            """).map { try $0.decode("lesson_id", as: UUID.self) })
    }

    static func alreadyEnrolled(_ enrollment: Enrollment) -> Problem {
        Problem(.conflict, code: "already_enrolled",
                detail: "you already have enrollment \(enrollment.id) in course \(enrollment.courseId) (\(enrollment.status.rawValue))",
                extensions: ["enrollmentId": .string(enrollment.id.uuidString)])
    }
}
