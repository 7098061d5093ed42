import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import CourseService

@Suite struct WorkflowTests {
    /// draft → in review → (rejected with a reason → draft → in review) → published →
    /// archived → restored, each move by whom it is for, each published as an event.
    @Test func aCourseMovesThroughItsWorkflow() async throws {
        try await CourseHarness.run { courses in
            let ada = try await courses.instructor()
            let bob = try await courses.instructor()
            let id = try await courses.course(by: ada)
            _ = try await courses.lesson(id, module: try await courses.module(id, by: ada), by: ada)

            #expect(try await courses.send(.post, "/courses/\(id)/publish", as: courses.admin).code == "invalid_transition")
            #expect(try await courses.send(.post, "/courses/\(id)/submit", as: bob).status == .notFound)
            let submitted = try await courses.send(.post, "/courses/\(id)/submit", as: ada)
            #expect(submitted.status == .ok && submitted["status"] == "in_review")
            #expect(try await courses.send(.post, "/courses/\(id)/publish", as: ada).status == .forbidden, "instructors do not publish")

            #expect(try await courses.send(.post, "/courses/\(id)/reject", json: ["reason": ""], as: courses.admin).fields == ["reason"])
            #expect(try await courses.send(.post, "/courses/\(id)/reject", as: courses.admin).status == .badRequest)
            let rejected = try await courses.send(.post, "/courses/\(id)/reject", json: ["reason": "Add captions to the videos."], as: courses.admin)
            #expect(rejected["status"] == "draft" && rejected["rejectionReason"] == "Add captions to the videos.")
            let resubmitted = try await courses.send(.post, "/courses/\(id)/submit", as: ada)
            #expect(resubmitted["status"] == "in_review" && resubmitted["rejectionReason"] == nil)

            let published = try await courses.send(.post, "/courses/\(id)/publish", as: courses.admin)
            #expect(published["status"] == "published" && published["publishedAt"] != nil)
            let firstPublication = published["publishedAt"]
            #expect(try await courses.send(.post, "/courses/\(id)/submit", as: ada).code == "invalid_transition")
            #expect(try await courses.send(.post, "/courses/\(id)/archive", as: bob).status == .forbidden)
            #expect(try await courses.send(.post, "/courses/\(id)/archive", as: ada)["status"] == "archived")
            #expect(try await courses.send(.get, "/courses/\(id)").status == .notFound, "archived courses leave the public catalog")
            #expect(try await courses.send(.post, "/courses/\(id)/restore", as: ada).status == .forbidden)
            let restored = try await courses.send(.post, "/courses/\(id)/restore", as: courses.admin)
            #expect(restored["status"] == "published" && restored["publishedAt"] == firstPublication)

            for (type, count) in [("course.created", 1), ("course.submitted", 2), ("course.rejected", 1), ("course.published", 2), ("course.archived", 1)] {
                let events = try await courses.bus.waitForEvents(ofType: type, subject: id, count: count)
                #expect(events.count == count, "\(type)")
            }
            let publishedEvents = try await courses.bus.waitForEvents(ofType: "course.published", subject: id, count: 2)
            let data = try #require(publishedEvents.first?.data)
            #expect(data["status"] == "published" && data["title"] == "Swift Fundamentals")
            #expect(data["courseId"]?.stringValue?.lowercased() == id && data["instructorId"]?.stringValue?.lowercased() == ada.id.lowercasedText)
            #expect(data["price"] == .object(["amount": .number(4_900), "currency": "USD"]) && data["capacity"] == .null && data["cohorts"] == .array([]))
        }
    }

    /// A course without lessons can be neither submitted nor published.
    @Test func aCourseWithoutLessonsCannotBeSubmittedOrPublished() async throws {
        try await CourseHarness.run { courses in
            let ada = try await courses.instructor()
            let id = try await courses.course(by: ada)
            _ = try await courses.module(id, by: ada)
            let refused = try await courses.send(.post, "/courses/\(id)/submit", as: ada)
            #expect(refused.status == .conflict && refused.code == "course_has_no_lessons")
            #expect(try await courses.send(.get, "/courses/\(id)", as: ada)["status"] == "draft")

            // A course emptied while in review cannot be published either.
            let other = try await courses.course(by: ada)
            let lesson = try await courses.lesson(other, module: try await courses.module(other, by: ada), by: ada)
            #expect(try await courses.send(.post, "/courses/\(other)/submit", as: ada).status == .ok)
            #expect(try await courses.send(.delete, "/courses/\(other)/lessons/\(lesson)", as: ada).status == .noContent)
            #expect(try await courses.send(.post, "/courses/\(other)/publish", as: courses.admin).code == "course_has_no_lessons")
        }
    }

    /// The workflow's table: from where each move goes, and who may make it.
    @Test func theWorkflowTableAllowsOnlyItsMoves() throws {
        for action in WorkflowAction.allCases {
            for status in CourseStatus.allCases {
                if status == action.from {
                    #expect(try action.apply(to: status, lessonCount: 1) == action.to)
                } else {
                    #expect(throws: CourseConflict.invalidTransition(action, from: status)) { try action.apply(to: status, lessonCount: 1) }
                }
            }
        }
        #expect(throws: CourseConflict.noLessons) { try WorkflowAction.submit.apply(to: .draft, lessonCount: 0) }
        #expect(throws: CourseConflict.noLessons) { try WorkflowAction.publish.apply(to: .inReview, lessonCount: 0) }
        #expect(try WorkflowAction.archive.apply(to: .published, lessonCount: 0) == .archived)
        #expect(WorkflowAction.allCases.filter(\.instructorMay) == [.submit, .archive])
    }
}
