import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import CourseService

@Suite struct ReviewTests {
    /// Only a learner with an active or completed enrolment may review, once; the course's
    /// average and count follow every new, edited and deleted review.
    @Test func enrolledLearnersReviewOnceAndTheRatingFollows() async throws {
        try await CourseHarness.run { courses in
            let ada = try await courses.instructor()
            let id = try await courses.publishedCourse(by: ada)
            let learner = try await courses.learner()
            let stranger = try await courses.learner()

            let refused = try await courses.send(.post, "/courses/\(id)/reviews", json: ["rating": 5], as: learner)
            #expect(refused.status == .forbidden && refused.code == "not_enrolled")
            #expect(try await courses.send(.post, "/courses/\(id)/reviews", json: ["rating": 5]).status == .unauthorized)
            try await courses.enrollmentEvent("enrollment.created", learner: learner.id, course: id, status: "active")

            let created = try await courses.send(.post, "/courses/\(id)/reviews", json: ["rating": 5, "text": "  Clear and useful.  "], as: learner)
            #expect(created.status == .created && created.int("rating") == 5 && created["text"] == "Clear and useful.")
            let reviewId = try #require(created["id"])
            let again = try await courses.send(.post, "/courses/\(id)/reviews", json: ["rating": 1], as: learner)
            #expect(again.status == .conflict && again.code == "already_reviewed" && again["reviewId"] == reviewId.lowercased())

            let other = try await courses.learner()
            try await courses.enrollmentEvent("enrollment.completed", learner: other.id, course: id)
            #expect(try await courses.send(.post, "/courses/\(id)/reviews", json: ["rating": 2], as: other).status == .created)
            /// The course's rating as (average, count).
            func rating() async throws -> (Double?, Int?) {
                let rating = try await courses.send(.get, "/courses/\(id)").json["rating"] as? [String: Any] ?? [:]
                return (rating["average"] as? Double, rating["count"] as? Int)
            }
            #expect(try await rating() == (3.5, 2))

            #expect(try await courses.send(.put, "/courses/\(id)/reviews/\(reviewId)", json: ["rating": 3], as: stranger).status == .forbidden)
            let edited = try await courses.send(.put, "/courses/\(id)/reviews/\(reviewId)", json: ["rating": 4], as: learner)
            #expect(edited.status == .ok && edited.int("rating") == 4 && edited.json["text"] is NSNull)
            #expect(try await rating() == (3.0, 2))
            let third = try await courses.learner()
            try await courses.enrollmentEvent("enrollment.activated", learner: third.id, course: id)
            #expect(try await courses.send(.post, "/courses/\(id)/reviews", json: ["rating": 4], as: third).status == .created)
            #expect(try await rating() == (3.33, 3), "rounded to hundredths")

            #expect(try await courses.send(.delete, "/courses/\(id)/reviews/\(reviewId)", as: stranger).status == .forbidden)
            #expect(try await courses.send(.delete, "/courses/\(id)/reviews/\(reviewId)", as: learner).status == .noContent)
            #expect(try await rating() == (3.0, 2))
            let listed = try await courses.send(.get, "/courses/\(id)/reviews")
            #expect(listed.items.count == 2 && listed.items.first?["rating"] as? Int == 4, "newest first")
            let adminDeleted = try await courses.send(.delete, "/courses/\(id)/reviews/\(listed.ids[1])", as: courses.admin)
            #expect(adminDeleted.status == .noContent)
            #expect(try await rating() == (4.0, 1))
            #expect(try await courses.send(.post, "/courses/\(id)/reviews", json: ["rating": 5], as: learner).status == .created,
                    "a deleted review can be written again")

            let reviewed = try await courses.bus.waitForEvents(ofType: "course.reviewed", subject: id, count: 5)
            #expect(reviewed.last?.data["count"] == .number(2) && reviewed.last?.data["average"] == .number(4.5))
            #expect(try await courses.bus.waitForEvents(ofType: "course.review_deleted", subject: id, count: 2).count == 2)
        }
    }

    /// Ratings are whole numbers from 1 to 5 and texts have a limit.
    @Test func invalidReviewsAreRefused() async throws {
        try await CourseHarness.run { courses in
            let id = try await courses.publishedCourse(by: try await courses.instructor())
            let learner = try await courses.learner()
            try await courses.enrollmentEvent("enrollment.activated", learner: learner.id, course: id)
            #expect(try await courses.send(.post, "/courses/\(id)/reviews", json: ["rating": 0], as: learner).fields == ["rating"])
            #expect(try await courses.send(.post, "/courses/\(id)/reviews", json: ["rating": 4.5], as: learner).fields == ["rating"])
            #expect(try await courses.send(.post, "/courses/\(id)/reviews", json: ["rating": 3, "text": String(repeating: "x", count: 5_001)],
                                           as: learner).fields == ["text"])
            #expect(try await courses.send(.get, "/courses/\(id)/reviews").items.isEmpty)
            #expect(try await courses.send(.post, "/courses/\(UUID())/reviews", json: ["rating": 3], as: learner).status == .notFound)
        }
    }

    /// The newest enrolment event wins whatever order events arrive in, and a redelivered event
    /// changes nothing: a cancelled learner may no longer review.
    @Test func enrolmentEventsKeepTheLatestStateOfEachLearner() async throws {
        try await CourseHarness.run { courses in
            let id = try await courses.publishedCourse(by: try await courses.instructor())
            let learner = try await courses.learner()
            let enrollment = UUID()
            let activated = try await courses.enrollmentEvent("enrollment.activated", learner: learner.id, course: id, enrollment: enrollment)
            let cancelled = try await courses.enrollmentEvent("enrollment.cancelled", learner: learner.id, course: id, enrollment: enrollment)
            let refused = try await courses.send(.post, "/courses/\(id)/reviews", json: ["rating": 4], as: learner)
            #expect(refused.code == "not_enrolled")

            // An older event delivered late, and the activation redelivered, change nothing.
            var late = activated
            late.id = UUID()
            try await courses.bus.publish(late)
            try await courses.handled(late)
            try await courses.bus.publish(activated)
            #expect(try await courses.send(.post, "/courses/\(id)/reviews", json: ["rating": 4], as: learner).code == "not_enrolled")
            let state = try await courses.database.queryFirst("SELECT status, event_id FROM course_learners WHERE user_id = \(learner.id)")
            #expect(try state?.decode("status", as: String.self) == "cancelled" && state?.decode("event_id", as: UUID.self) == cancelled.id)

            try await courses.enrollmentEvent("enrollment.created", learner: learner.id, course: id, status: "active")
            #expect(try await courses.send(.post, "/courses/\(id)/reviews", json: ["rating": 4], as: learner).status == .created,
                    "enrolling again makes a learner again")
        }
    }
}
