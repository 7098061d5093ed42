import Foundation
import Shared

/// The courses each course requires.
struct PrerequisiteStore: Sendable {
    let courses: CourseStore

    /// Replaces the course's prerequisites. Every course named must exist (422 naming the entry),
    /// and the relation must stay free of cycles (409 naming the cycle).
    func set(_ required: [UUID], for courseId: UUID, by viewer: Viewer) async throws {
        try await courses.change(courseId, by: viewer) { transaction, course in
            try EditRules.checkEditable(course)
            // A course the caller may not see (another instructor's draft) is as unknown as one that does not exist.
            let known = Set(try await transaction.query("SELECT \(Rows.course) FROM courses c WHERE c.id = ANY(\(required)::uuid[])")
                .map(Rows.course).filter(viewer.maySee).map(\.id))
            let unknown = required.enumerated().filter { !known.contains($0.element) }
                .map { FieldError(field: "courseIds[\($0.offset)]", message: "no course has this id") }
            guard unknown.isEmpty else { throw Problem.invalid(unknown) }
            // Two edits that each close half of a cycle must not both pass the check, so every
            // edit of the relation is checked and written one at a time.
            try await transaction.lock("prerequisites")
            let edges = try await transaction.query("""
                WITH RECURSIVE reachable(id) AS (
                    SELECT unnest(\(required)::uuid[])
                    UNION
                    SELECT p.required_course_id FROM course_prerequisites p JOIN reachable r ON p.course_id = r.id
                )
                SELECT p.course_id, p.required_course_id FROM course_prerequisites p JOIN reachable r ON p.course_id = r.id
                """).map { (course: try $0.decode("course_id", as: UUID.self), requires: try $0.decode("required_course_id", as: UUID.self)) }
            if let cycle = PrerequisiteGraph(edges: edges).cycle(ifRequiring: required, by: courseId) {
                throw CourseConflict.prerequisiteCycle(cycle)
            }
            try await transaction.execute("DELETE FROM course_prerequisites WHERE course_id = \(courseId)")
            try await transaction.execute("""
                INSERT INTO course_prerequisites (course_id, required_course_id, position)
                SELECT \(courseId), o.id, o.position FROM unnest(\(required)::uuid[]) WITH ORDINALITY AS o(id, position)
                """)
        }
    }
}
