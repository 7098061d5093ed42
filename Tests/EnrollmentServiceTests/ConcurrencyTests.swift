import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import EnrollmentService

@Suite struct ConcurrencyTests {
    /// Fifty learners race over real HTTP for five seats: exactly five enroll, forty-five wait
    /// with positions 1 to 45 and none twice; a cancellation then offers the seat to position 1.
    @Test func fiftyLearnersRacingForFiveSeatsNeverOverAllocate() async throws {
        try await EnrollmentHarness.run(settings: ["WAITLIST_OFFER_SECONDS": "3600"]) { h in
            let course = try await h.course(capacity: 5)
            var learners: [EnrollmentHarness.Caller] = []
            for _ in 0..<50 { learners.append(try await h.learner()) }
            let answers = try await h.race(learners.map { (.post, "/enrollments", ["courseId": course.id.uuidString], $0) })

            let enrolled = answers.filter { $0.status == .created }
            let queued = answers.filter { $0.status == .accepted }
            #expect(enrolled.count == 5, "\(answers.filter { $0.status != .created && $0.status != .accepted }.map(\.text))")
            #expect(queued.count == 45)
            #expect(enrolled.allSatisfy { $0["status"] == "active" })
            #expect(queued.compactMap { $0.number("position") }.sorted() == Array(1...45))
            #expect(try await h.count("SELECT count(*) FROM enrollments WHERE status = 'active' AND course_id = \(course.id)") == 5)
            #expect(try await h.count("SELECT count(DISTINCT user_id) FROM waitlist_entries WHERE status = 'waiting'") == 45)

            // Every waiting learner reads the place they were given, in the order they joined.
            var positions: [UUID: Int] = [:]
            for (learner, answer) in zip(learners, answers) where answer.status == .accepted {
                positions[learner.id] = try await h.send(.get, "\(course.path)/waitlist/me", as: learner).number("position")
            }
            #expect(positions.values.sorted() == Array(1...45))
            let queue = try await h.send(.get, "\(course.path)/waitlist?limit=100", as: course.instructor)
            #expect(queue.items.compactMap { $0["userId"] as? String }.compactMap(UUID.init(uuidString:))
                    == positions.sorted { $0.value < $1.value }.map(\.key))

            let (winner, seat) = try #require(zip(learners, answers).first { $0.1.status == .created })
            #expect(try await h.send(.delete, "/enrollments/\(seat["id"]!)", as: winner).status == .ok)
            let first = try #require(positions.first { $0.value == 1 }?.key)
            let second = try #require(positions.first { $0.value == 2 }?.key)
            let firstLearner = try #require(learners.first { $0.id == first })
            let secondLearner = try #require(learners.first { $0.id == second })
            #expect(try await h.send(.get, "\(course.path)/waitlist/me", as: firstLearner)["status"] == "offered")
            #expect(try await h.send(.get, "\(course.path)/waitlist/me", as: secondLearner).number("position") == 1)
            #expect(try await h.count("SELECT count(*) FROM waitlist_entries WHERE status = 'offered'") == 1)
        }
    }

    /// A cohort's limit and the course's both hold under a race: 30 learners for a cohort of
    /// 4 in a course of 6 that already has 3 in another cohort.
    @Test func cohortAndCourseLimitsHoldTogetherUnderARace() async throws {
        try await EnrollmentHarness.run { h in
            let course = try await h.course(capacity: 6, cohorts: [4, nil])
            for _ in 0..<3 { try await h.enroll(try await h.learner(), in: course, cohort: course.cohorts[1]) }
            var learners: [EnrollmentHarness.Caller] = []
            for _ in 0..<30 { learners.append(try await h.learner()) }
            let answers = try await h.race(learners.map {
                (.post, "/enrollments", ["courseId": course.id.uuidString, "cohortId": course.cohorts[0].uuidString], $0)
            })
            #expect(answers.filter { $0.status == .created }.count == 3)
            #expect(answers.filter { $0.status == .accepted }.compactMap { $0.number("position") }.sorted() == Array(1...27))
            #expect(try await h.count("SELECT count(*) FROM enrollments WHERE status = 'active'") == 6)
        }
    }
}
