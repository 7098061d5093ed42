import Foundation
import Shared

/// A course's cohorts; each change is a change of the course (`course.updated` carries the
/// cohorts and their seat limits).
struct CohortStore: Sendable {
    let courses: CourseStore

    func add(to courseId: UUID, _ order: CohortOrder, by viewer: Viewer) async throws -> Cohort {
        try await courses.change(courseId, by: viewer) { transaction, course in
            try EditRules.checkEditable(course)
            let cohort = order.cohort(id: UUIDv7.make())
            try await transaction.execute("""
                INSERT INTO cohorts (id, course_id, name, starts_at, ends_at, capacity)
                VALUES (\(cohort.id), \(courseId), \(cohort.name), \(cohort.startsAt), \(cohort.endsAt), \(cohort.capacity))
                """)
            return cohort
        }
    }

    /// Replaces the cohort's fields.
    func update(_ cohortId: UUID, of courseId: UUID, _ order: CohortOrder, by viewer: Viewer) async throws -> Cohort {
        try await courses.change(courseId, by: viewer) { transaction, course in
            try EditRules.checkEditable(course)
            let cohort = order.cohort(id: cohortId)
            let changed = try await transaction.execute("""
                UPDATE cohorts SET name = \(cohort.name), starts_at = \(cohort.startsAt), ends_at = \(cohort.endsAt),
                    capacity = \(cohort.capacity), updated_at = now()
                WHERE id = \(cohortId) AND course_id = \(courseId)
                """)
            guard changed == 1 else { throw Problem.notFound("cohort", id: cohortId) }
            return cohort
        }
    }

    func delete(_ cohortId: UUID, of courseId: UUID, by viewer: Viewer) async throws {
        try await courses.change(courseId, by: viewer) { transaction, course in
            try EditRules.checkRemovable("cohorts", from: course)
            let deleted = try await transaction.execute("DELETE FROM cohorts WHERE id = \(cohortId) AND course_id = \(courseId)")
            guard deleted == 1 else { throw Problem.notFound("cohort", id: cohortId) }
        }
    }
}
