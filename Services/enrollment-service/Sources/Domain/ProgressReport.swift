import Foundation
import Shared

/// A lesson's state for one enrollment.
enum LessonStatus: String, Codable, CaseIterable, Sendable {
    case notStarted = "not_started"
    case inProgress = "in_progress"
    case completed
}

/// One lesson's progress as stored.
struct LessonProgress: Sendable, Equatable {
    let lessonId: UUID
    let status: LessonStatus
    let secondsSpent: Int64
    let startedAt: Date
    let completedAt: Date?
    let lastActivityAt: Date
}

/// `GET /enrollments/{id}/progress`: every lesson of the course in course order with the
/// learner's state, and the totals. The percentage counts required lessons only.
struct ProgressReport: Codable, Sendable {
    let enrollmentId: UUID
    let courseId: UUID
    let status: EnrollmentStatus
    let lessons: [Line]
    let requiredLessons: Int
    let completedRequiredLessons: Int
    /// Whole percent of the required lessons completed, rounded down (100 when none is required).
    let percentComplete: Int
    /// The required lessons still to complete, in course order.
    let missingLessons: [UUID]
    /// Seconds spent over every lesson, as reported by the learner's client.
    let secondsSpent: Int64
    let lastActivityAt: Date?
    let completedAt: Date?

    struct Line: Codable, Sendable {
        let lessonId: UUID
        let moduleId: UUID
        let title: String
        let required: Bool
        let status: LessonStatus
        let secondsSpent: Int64
        let startedAt: Date?
        let completedAt: Date?
        let lastActivityAt: Date?
    }

    init(enrollment: Enrollment, course: Course, progress: [LessonProgress]) {
        let byLesson = Dictionary(progress.map { ($0.lessonId, $0) }, uniquingKeysWith: { first, _ in first })
        var lines: [Line] = []
        for module in course.modules.sorted(by: { $0.position < $1.position }) {
            for lesson in module.lessons.sorted(by: { $0.position < $1.position }) {
                let done = byLesson[lesson.id]
                lines.append(Line(lessonId: lesson.id, moduleId: module.id, title: lesson.title, required: lesson.required,
                                  status: done?.status ?? .notStarted, secondsSpent: done?.secondsSpent ?? 0,
                                  startedAt: done?.startedAt, completedAt: done?.completedAt, lastActivityAt: done?.lastActivityAt))
            }
        }
        let completed = Set(progress.filter { $0.status == .completed }.map(\.lessonId))
        let required = course.requiredLessons
        let completedRequired = required.filter { completed.contains($0.id) }.count
        enrollmentId = enrollment.id
        courseId = enrollment.courseId
        status = enrollment.status
        lessons = lines
        requiredLessons = required.count
        completedRequiredLessons = completedRequired
        percentComplete = required.isEmpty ? 100 : completedRequired * 100 / required.count
        missingLessons = EnrollmentPolicy.missingLessons(of: course, completed: completed)
        secondsSpent = progress.reduce(0) { $0 + $1.secondsSpent }
        lastActivityAt = progress.map(\.lastActivityAt).max()
        completedAt = enrollment.completedAt
    }
}
