import Foundation
import HTTPTypes
import Shared

/// Who may enroll in what, and how an enrollment starts: the rules that need no database.
enum EnrollmentPolicy {
    /// Refuses a course that is not published (drafts, courses in review, archived courses).
    /// - Throws: 409 `course_not_open`.
    static func requireOpen(_ course: Course) throws {
        guard course.isPublished else {
            throw Problem.conflict("course_not_open", "course \(course.id) is \(course.status), not open for enrollment")
        }
    }

    /// The cohort a learner asked for, checked against the course. A course that runs in
    /// cohorts needs one; a cohort of another course, or one that has ended, is refused.
    /// - Throws: 422 naming `cohortId`.
    static func cohort(_ requested: UUID?, of course: Course, now: Date) throws -> UUID? {
        guard let requested else {
            if !course.cohorts.isEmpty {
                throw Problem.invalid("cohortId", "is required: course \(course.id) runs in cohorts (\(course.cohorts.map(\.id.uuidString).joined(separator: ", ")))")
            }
            return nil
        }
        guard let cohort = course.cohort(requested) else {
            throw Problem.invalid("cohortId", "is not a cohort of course \(course.id)")
        }
        if let endsAt = cohort.endsAt, endsAt <= now {
            throw Problem.invalid("cohortId", "cohort \(cohort.name) ended at \(Timestamp.format(endsAt))")
        }
        return requested
    }

    /// The prerequisites of the course the learner has not completed, in the course's order.
    static func missingPrerequisites(of course: Course, completed: Set<UUID>) -> [UUID] {
        course.prerequisites.filter { !completed.contains($0) }
    }

    /// Refuses a learner who has not completed every prerequisite.
    /// - Throws: 409 `prerequisites_missing` with `missingPrerequisites`.
    static func requirePrerequisites(of course: Course, completed: Set<UUID>) throws {
        let missing = missingPrerequisites(of: course, completed: completed)
        guard missing.isEmpty else {
            throw Problem(.conflict, code: "prerequisites_missing",
                          detail: "complete these courses first: \(missing.map(\.uuidString).joined(separator: ", "))",
                          extensions: ["missingPrerequisites": .array(missing.map { .string($0.uuidString) })])
        }
    }

    /// How an enrollment starts: a free course at once; a paid one waiting for its payment
    /// until the payment window closes.
    static func start(for course: Course, now: Date, paymentWindow: Duration) -> (status: EnrollmentStatus, paymentDueAt: Date?) {
        if course.isFree { return (.active, nil) }
        return (.pendingPayment, now.addingTimeInterval(TimeInterval(paymentWindow.components.seconds)))
    }

    /// The required lessons not yet completed, in course order.
    static func missingLessons(of course: Course, completed: Set<UUID>) -> [UUID] {
        course.requiredLessons.map(\.id).filter { !completed.contains($0) }
    }
}
