import Foundation
import Hummingbird
import Shared

/// `/enrollments/{id}/progress` and `/enrollments/{id}/lessons/{lessonId}`: where a learner is in
/// a course, and reporting a lesson started or done.
struct ProgressRoutes: Sendable {
    let catalog: CourseCatalog
    let store: EnrollmentStore
    let progress: ProgressBook
    let access: EnrollmentAccess
    let clock: FleetClock

    func add(to group: RouterGroup<AppRequestContext>) {
        group.get("/enrollments/:id/progress") { _, context in
            let enrollment = try await store.require(try context.parameters.require("id", as: UUID.self))
            let course = try await catalog.find(enrollment.courseId)
            try await access.requireReader(of: enrollment, course: course, context)
            guard let course else { throw Problem.notFound("course", id: enrollment.courseId) }
            return ProgressReport(enrollment: enrollment, course: course, progress: try await store.progress(of: enrollment.id))
        }

        group.put("/enrollments/:id/lessons/:lessonId") { request, context in
            let enrollment = try await store.require(try context.parameters.require("id", as: UUID.self))
            let lessonId = try context.parameters.require("lessonId", as: UUID.self)
            try access.requireLearner(of: enrollment, context)
            let update = try await request.decode(as: LessonUpdate.self, context: context)
            try update.validate()
            let course = try await catalog.require(enrollment.courseId)
            guard let lesson = course.lesson(lessonId) else {
                throw Problem.notFound("lesson \(lessonId) of course", id: enrollment.courseId)
            }
            let after = try await progress.record(enrollment.id, lesson: lesson, of: course, status: update.status,
                                                  secondsSpent: update.secondsSpent ?? 0, now: clock.now())
            return ProgressReport(enrollment: after, course: course, progress: try await store.progress(of: enrollment.id))
        }
    }
}

/// `PUT /enrollments/{id}/lessons/{lessonId}`.
struct LessonUpdate: Decodable, Sendable {
    /// `in_progress` or `completed`.
    let status: LessonStatus
    /// Seconds spent on the lesson since the last report, added to its total (0 to 86400).
    let secondsSpent: Int64?

    func validate() throws {
        var errors: [FieldError] = []
        if status == .notStarted { errors.append(FieldError(field: "status", message: "must be in_progress or completed")) }
        if let secondsSpent, !(0...86_400).contains(secondsSpent) {
            errors.append(FieldError(field: "secondsSpent", message: "must be a whole number of seconds from 0 to 86400"))
        }
        guard errors.isEmpty else { throw Problem.invalid(errors) }
    }
}
