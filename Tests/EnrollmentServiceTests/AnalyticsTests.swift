import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import EnrollmentService

@Suite struct AnalyticsTests {
    /// Seven learners on a four-lesson course: three complete (in 100, 200 and 400 seconds),
    /// one does half, one the first lesson, one starts, one does nothing. The funnel, completion
    /// times, drop-off and timeline say exactly that.
    @Test func aKnownCohortOfLearnersGivesKnownNumbers() async throws {
        try await EnrollmentHarness.run { h in
            let course = try await h.course(lessons: 4)
            var ids: [String] = []
            var learners: [EnrollmentHarness.Caller] = []
            for _ in 0..<7 {
                let learner = try await h.learner()
                learners.append(learner)
                ids.append(try #require(try await h.enroll(learner, in: course)["id"]))
            }
            for index in 0..<3 { try await h.complete(course.required, of: ids[index], as: learners[index]) }
            try await h.complete(Array(course.required.prefix(2)), of: ids[3], as: learners[3])
            try await h.complete([course.required[0]], of: ids[4], as: learners[4])
            _ = try await h.send(.put, "/enrollments/\(ids[5])/lessons/\(course.required[0])", json: ["status": "in_progress"], as: learners[5])
            for (index, seconds) in [100, 200, 400].enumerated() {
                try await h.database.execute("""
                    UPDATE enrollments SET activated_at = completed_at - make_interval(secs => \(seconds)) WHERE id = \(UUID(uuidString: ids[index])!)
                    """)
            }
            try await h.database.execute("UPDATE enrollments SET created_at = now() - interval '2 days' WHERE id = \(UUID(uuidString: ids[6])!)")
            let base = "/enrollments/analytics/courses/\(course.id)"

            let funnel = try await h.send(.get, "\(base)/funnel", as: course.instructor)
            #expect(funnel.status == .ok, "\(funnel.text)")
            let stages = try #require(funnel.json["stages"] as? [[String: Any]])
            #expect(stages.compactMap { $0["stage"] as? String } == ["enrolled", "started", "halfway", "completed"])
            #expect(stages.compactMap { $0["count"] as? Int } == [7, 6, 4, 3])
            #expect(stages.compactMap { $0["rate"] as? Double } == [1, 0.8571, 0.5714, 0.4286])
            #expect(stages.last?["stepRate"] as? Double == 0.75)

            let completion = try await h.send(.get, "\(base)/completion", as: h.admin)
            #expect(completion.number("enrolled") == 7 && completion.number("completed") == 3)
            #expect(completion.json["completionRate"] as? Double == 0.4286)
            #expect(completion.json["medianSecondsToComplete"] as? Double == 200)
            #expect(completion.json["p90SecondsToComplete"] as? Double == 360)

            let dropOff = try await h.send(.get, "\(base)/drop-off", as: course.instructor)
            #expect(dropOff.number("learners") == 4 && dropOff.number("completedNoLesson") == 2)
            let lessons = try #require(dropOff.json["lessons"] as? [[String: Any]])
            #expect(lessons.compactMap { $0["lessonId"] as? String } == course.lessons.map(\.uuidString))
            #expect(lessons.compactMap { $0["stoppedAfter"] as? Int } == [1, 1, 0, 0])

            var utc = Calendar(identifier: .gregorian)
            utc.timeZone = TimeZone(identifier: "UTC")!
            let from = utc.startOfDay(for: Date().addingTimeInterval(-2 * 86_400))
            let timeline = try await h.send(.get, "\(base)/timeline?interval=day&from=\(Timestamp.format(from))", as: course.instructor)
            let buckets = try #require(timeline.json["buckets"] as? [[String: Any]])
            #expect(buckets.count == 3, "\(timeline.text)")
            #expect(buckets.compactMap { $0["total"] as? Int } == [1, 0, 6])
            #expect((buckets.last?["byStatus"] as? [String: Int])?["completed"] == 3)
            #expect(buckets.first?["start"] as? String == Timestamp.format(from))
            #expect(try await h.send(.get, "\(base)/timeline?interval=hour", as: h.admin).fields == ["interval"])
            #expect(try await h.send(.get, "\(base)/timeline?from=2030-01-01T00:00:00Z&to=2029-01-01T00:00:00Z", as: h.admin).fields == ["from"])

            #expect(try await h.send(.get, "\(base)/funnel", as: learners[0]).status == .forbidden)
            #expect(try await h.send(.get, "/enrollments/analytics/courses/\(UUID())/funnel", as: h.admin).status == .notFound)
        }
    }

    /// Waitlist conversion: three join, one is offered and accepts, one leaves, one still waits.
    @Test func waitlistConversionCountsWhatBecameOfEachEntry() async throws {
        try await EnrollmentHarness.run { h in
            let course = try await h.course(capacity: 1)
            let holder = try await h.learner()
            let seat = try await h.enroll(holder, in: course)
            let (a, b, c) = (try await h.learner(), try await h.learner(), try await h.learner())
            for learner in [a, b, c] { _ = try await h.send(.post, "/enrollments", json: ["courseId": course.id.uuidString], as: learner) }
            _ = try await h.send(.delete, "/enrollments/\(seat["id"]!)", as: holder)
            #expect(try await h.send(.post, "\(course.path)/waitlist/me/accept", as: a).status == .created)
            _ = try await h.send(.delete, "\(course.path)/waitlist/me", as: c)

            let stats = try await h.send(.get, "/enrollments/analytics/courses/\(course.id)/waitlist", as: course.instructor)
            #expect(stats.number("joined") == 3 && stats.number("offered") == 1 && stats.number("accepted") == 1)
            #expect(stats.number("left") == 1 && stats.number("waiting") == 1 && stats.number("offerExpired") == 0)
            #expect(stats.json["conversionRate"] as? Double == 0.3333)
            #expect(stats.json["offerAcceptanceRate"] as? Double == 1)
        }
    }

    /// The literal `analytics` segment never reaches `GET /enrollments/{id}`, and `{id}` routes
    /// still answer beside the analytics routes.
    @Test func analyticsPathsDoNotCollideWithEnrollmentIds() async throws {
        try await EnrollmentHarness.run { h in
            let course = try await h.course()
            let learner = try await h.learner()
            let id = try #require(try await h.enroll(learner, in: course)["id"])
            #expect(try await h.send(.get, "/enrollments/\(id)", as: learner)["id"] == id)
            #expect(try await h.send(.get, "/enrollments/analytics/courses/\(course.id)/completion", as: h.admin).number("enrolled") == 1)
            // Hummingbird's trie prefers the literal segment and backtracks to `{id}` only when the
            // literal branch has nothing deeper: `/enrollments/analytics` itself has no route (404),
            // `/enrollments/analytics/progress` reaches `{id}/progress` with an id that is not a UUID.
            #expect(try await h.send(.get, "/enrollments/analytics", as: h.admin).status == .notFound)
            let notAnId = try await h.send(.get, "/enrollments/analytics/progress", as: h.admin)
            #expect(notAnId.status == .badRequest && notAnId.code == "malformed_request", "\(notAnId.status) \(notAnId.text)")
            #expect(try await h.send(.get, "/enrollments/analytics/courses", as: h.admin).status == .notFound)
        }
    }
}
