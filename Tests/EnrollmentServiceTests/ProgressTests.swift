import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import EnrollmentService

@Suite struct ProgressTests {
    /// Progress lists every lesson in course order with its state, the share of required
    /// lessons done, the time spent and the last activity; completing the last required lesson
    /// completes the enrollment on its own, with `enrollment.completed`.
    @Test func completingEveryRequiredLessonCompletesTheEnrollment() async throws {
        try await EnrollmentHarness.run { h in
            let course = try await h.course(lessons: 3, optionalLessons: 1)
            let learner = try await h.learner()
            let id = try #require(try await h.enroll(learner, in: course)["id"])
            let lessonPath = { (lesson: UUID) in "/enrollments/\(id)/lessons/\(lesson)" }

            let started = try await h.send(.put, lessonPath(course.lessons[0]), json: ["status": "in_progress", "secondsSpent": 90], as: learner)
            #expect(started.status == .ok && started.number("percentComplete") == 0)
            try await h.complete([course.lessons[0]], of: id, as: learner)
            // The optional lesson counts for time, not for completion.
            try await h.complete([course.lessons[3]], of: id, as: learner)
            let progress = try await h.send(.get, "/enrollments/\(id)/progress", as: learner)
            #expect(progress.number("requiredLessons") == 3 && progress.number("completedRequiredLessons") == 1)
            #expect(progress.number("percentComplete") == 33)
            #expect(progress.number("secondsSpent") == 210)
            #expect(progress["lastActivityAt"] != nil && progress["status"] == "active")
            let lines = try #require(progress.json["lessons"] as? [[String: Any]])
            #expect(lines.compactMap { $0["lessonId"] as? String } == course.lessons.map(\.uuidString))
            #expect(lines.compactMap { $0["status"] as? String } == ["completed", "not_started", "not_started", "completed"])
            #expect(lines.first?["secondsSpent"] as? Int == 150)
            #expect(progress.json["missingLessons"] as? [String] == course.required.dropFirst().map(\.uuidString))
            #expect(try await h.send(.get, "/enrollments/\(id)/progress", as: course.instructor).status == .ok)
            #expect(try await h.send(.get, "/enrollments/\(id)/progress", as: try await h.learner()).status == .forbidden)

            let early = try await h.send(.post, "/enrollments/\(id)/complete", as: learner)
            #expect(early.status == .conflict && early.code == "lessons_incomplete")
            #expect(early.json["missingLessons"] as? [String] == course.required.dropFirst().map(\.uuidString))

            try await h.complete(Array(course.required.dropFirst()), of: id, as: learner)
            let done = try await h.send(.get, "/enrollments/\(id)", as: learner)
            #expect(done["status"] == "completed" && done["completedAt"] != nil)
            let completed = try await h.bus.waitForEvents(ofType: "enrollment.completed")
            #expect(completed.count == 1 && completed.first?.data["completedAt"] != nil)
            #expect(try await h.bus.waitForEvents(ofType: "enrollment.lesson_completed", count: 4).count == 4)
            let after = try await h.send(.put, lessonPath(course.lessons[3]), json: ["status": "completed"], as: learner)
            #expect(after.status == .conflict && after.code == "enrollment_not_active")
            let again = try await h.send(.post, "/enrollments/\(id)/complete", as: learner)
            #expect(again.status == .conflict && again.code == "already_completed")
        }
    }

    /// Lesson updates name a lesson of the course, a known status, a sane number of seconds,
    /// and come from the learner.
    @Test func lessonUpdatesAreChecked() async throws {
        try await EnrollmentHarness.run { h in
            let course = try await h.course()
            let learner = try await h.learner()
            let id = try #require(try await h.enroll(learner, in: course)["id"])
            let path = "/enrollments/\(id)/lessons/\(course.lessons[0])"
            #expect(try await h.send(.put, "/enrollments/\(id)/lessons/\(UUID())", json: ["status": "completed"], as: learner).status == .notFound)
            #expect(try await h.send(.put, path, json: ["status": "finished"], as: learner).fields == ["status"])
            #expect(try await h.send(.put, path, json: ["status": "not_started"], as: learner).fields == ["status"])
            #expect(try await h.send(.put, path, json: ["status": "completed", "secondsSpent": -5], as: learner).fields == ["secondsSpent"])
            #expect(try await h.send(.put, path, json: ["status": "completed"], as: try await h.learner()).status == .forbidden)
            #expect(try await h.count("SELECT count(*) FROM lesson_progress") == 0)
            // Completed stays completed when the learner opens the lesson again.
            try await h.complete([course.lessons[0]], of: id, as: learner)
            let reopened = try await h.send(.put, path, json: ["status": "in_progress", "secondsSpent": 5], as: learner)
            let lines = try #require(reopened.json["lessons"] as? [[String: Any]])
            #expect(lines.first?["status"] as? String == "completed" && lines.first?["secondsSpent"] as? Int == 65)
        }
    }

    /// The course's instructor may complete an enrollment before every lesson is done; other
    /// learners may not touch it.
    @Test func theInstructorMayCompleteAnEnrollmentEarly() async throws {
        try await EnrollmentHarness.run { h in
            let course = try await h.course()
            let learner = try await h.learner()
            let id = try #require(try await h.enroll(learner, in: course)["id"])
            #expect(try await h.send(.post, "/enrollments/\(id)/complete", as: try await h.learner()).status == .forbidden)
            let forced = try await h.send(.post, "/enrollments/\(id)/complete", as: course.instructor)
            #expect(forced.status == .ok && forced["status"] == "completed")
            #expect(try await h.count("SELECT count(*) FROM enrollments WHERE completed_by = \(course.instructor.id.lowercasedText)") == 1)
            #expect(try await h.bus.waitForEvents(ofType: "enrollment.completed").count == 1)
            // A completed enrollment is not cancelled.
            #expect(try await h.send(.delete, "/enrollments/\(id)", as: learner).code == "enrollment_not_cancellable")
        }
    }
}
