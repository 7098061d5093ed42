/// What may change in which status. A draft or a course in review changes freely. Once a course
/// has been published, learners may hold progress in its lessons and seats in its cohorts, so
/// modules, lessons and cohorts can still be added, edited, reordered and moved but no longer
/// deleted, and the course itself can be archived but not deleted. An archived course is
/// read-only until an administrator restores it.
enum EditRules {
    static func checkEditable(_ course: Course) throws(CourseConflict) {
        if course.status == .archived { throw .archived }
    }

    /// - Parameter what: what would be removed, in the plural (`lessons`), for the refusal.
    static func checkRemovable(_ what: String, from course: Course) throws(CourseConflict) {
        try checkEditable(course)
        if course.wasPublished { throw .contentLocked(what) }
    }

    static func checkDeletable(_ course: Course) throws(CourseConflict) {
        if course.wasPublished { throw .wasPublished }
    }
}
