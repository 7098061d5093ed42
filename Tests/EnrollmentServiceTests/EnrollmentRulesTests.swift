import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import EnrollmentService

@Suite struct EnrollmentRulesTests {
    /// A free course enrolls at once; the learner, the course's instructor and administrators
    /// read the enrollment, nobody else does.
    @Test func aFreeCourseEnrollsAtOnceAndOnlyThoseConcernedReadIt() async throws {
        try await EnrollmentHarness.run { h in
            let course = try await h.course()
            let learner = try await h.learner()
            let enrolled = try await h.enroll(learner, in: course)
            #expect(enrolled["status"] == "active")
            #expect(enrolled.uuid("userId") == learner.id && enrolled.uuid("courseId") == course.id)
            let price = try #require(enrolled.json["price"] as? [String: Any])
            #expect(price["amount"] as? Int == 0 && price["currency"] as? String == "USD")
            #expect(enrolled["activatedAt"] != nil && enrolled["paymentDueAt"] == nil)
            let path = "/enrollments/\(enrolled["id"]!)"
            #expect(try await h.send(.get, path, as: learner)["id"] == enrolled["id"])
            #expect(try await h.send(.get, path, as: course.instructor).status == .ok)
            #expect(try await h.send(.get, path, as: h.admin).status == .ok)
            let stranger = try await h.send(.get, path, as: try await h.learner())
            #expect(stranger.status == .forbidden && stranger.code == "forbidden")
            #expect(try await h.send(.get, path).status == .unauthorized)
            #expect(try await h.send(.get, "/enrollments/\(UUID())", as: learner).status == .notFound)

            let created = try await h.bus.waitForEvents(ofType: "enrollment.created")
            #expect(created.count == 1)
            #expect(created.first?.data["enrollmentId"] == .string(enrolled["id"]!))
            #expect(created.first?.data["status"] == "active")
            #expect(created.first?.data["cohortId"] == .null)
        }
    }

    /// Unpublished courses, unknown courses, missing prerequisites, a second enrollment, a cohort
    /// of another course: each refused with the right problem, and nothing is recorded.
    @Test func enrollmentsThatBreakARuleAreRefusedAndChangeNothing() async throws {
        try await EnrollmentHarness.run { h in
            let learner = try await h.learner()
            let draft = try await h.course(status: "draft")
            let refusedDraft = try await h.send(.post, "/enrollments", json: ["courseId": draft.id.uuidString], as: learner)
            #expect(refusedDraft.status == .conflict && refusedDraft.code == "course_not_open")

            let unknown = try await h.send(.post, "/enrollments", json: ["courseId": UUID().uuidString], as: learner)
            #expect(unknown.status == .unprocessableContent && unknown.fields == ["courseId"])
            let malformed = try await h.send(.post, "/enrollments", json: ["cohortId": UUID().uuidString], as: learner)
            #expect(malformed.status == .unprocessableContent && malformed.fields == ["courseId"])

            let basics = try await h.course()
            let advanced = try await h.course(prerequisites: [basics.id])
            let missing = try await h.send(.post, "/enrollments", json: ["courseId": advanced.id.uuidString], as: learner)
            #expect(missing.status == .conflict && missing.code == "prerequisites_missing")
            #expect(missing.json["missingPrerequisites"] as? [String] == [basics.id.uuidString])

            let cohortCourse = try await h.course(cohorts: [10, 10])
            let otherCohort = try await h.send(.post, "/enrollments", json: ["courseId": cohortCourse.id.uuidString,
                                                                               "cohortId": UUID().uuidString], as: learner)
            #expect(otherCohort.status == .unprocessableContent && otherCohort.fields == ["cohortId"])
            let noCohort = try await h.send(.post, "/enrollments", json: ["courseId": cohortCourse.id.uuidString], as: learner)
            #expect(noCohort.status == .unprocessableContent && noCohort.fields == ["cohortId"])

            let forSomeoneElse = try await h.send(.post, "/enrollments", json: ["courseId": basics.id.uuidString,
                                                                                 "userId": UUID().uuidString], as: learner)
            #expect(forSomeoneElse.status == .forbidden)
            #expect(try await h.count("SELECT count(*) FROM enrollments") == 0)
            #expect(try await h.count("SELECT count(*) FROM waitlist_entries") == 0)

            let first = try await h.enroll(learner, in: basics)
            let again = try await h.send(.post, "/enrollments", json: ["courseId": basics.id.uuidString], as: learner)
            #expect(again.status == .conflict && again.code == "already_enrolled")
            #expect(again["enrollmentId"] == first["id"])
            #expect(try await h.count("SELECT count(*) FROM enrollments") == 1)

            // Completing the prerequisite opens the advanced course.
            try await h.complete(basics.required, of: first["id"]!, as: learner)
            #expect(try await h.enroll(learner, in: advanced)["status"] == "active")
            // An administrator enrolls someone else; the enrollment is theirs.
            let other = UUID()
            let byAdmin = try await h.send(.post, "/enrollments", json: ["courseId": basics.id.uuidString, "userId": other.uuidString], as: h.admin)
            #expect(byAdmin.status == .created && byAdmin.uuid("userId") == other)
        }
    }

    /// The learner cancels; a second cancel, or someone else's, is refused; the learner may
    /// enroll again afterwards.
    @Test func cancellingFreesTheCourseForALaterEnrollment() async throws {
        try await EnrollmentHarness.run { h in
            let course = try await h.course(capacity: 1)
            let learner = try await h.learner()
            let enrollment = try await h.enroll(learner, in: course)
            let path = "/enrollments/\(enrollment["id"]!)"
            #expect(try await h.send(.delete, path, as: try await h.learner()).status == .forbidden)
            let cancelled = try await h.send(.delete, path, as: learner)
            #expect(cancelled.status == .ok && cancelled["status"] == "cancelled" && cancelled["cancelledAt"] != nil)
            let twice = try await h.send(.delete, path, as: learner)
            #expect(twice.status == .conflict && twice.code == "enrollment_not_cancellable")
            let events = try await h.bus.waitForEvents(ofType: "enrollment.cancelled")
            #expect(events.map(\.data["enrollmentId"]) == [.string(enrollment["id"]!)])
            // The one seat is free again.
            #expect(try await h.enroll(try await h.learner(), in: course)["status"] == "active")
        }
    }

    /// A learner lists their own enrollments only, page by page; administrators filter by
    /// course and status; the course's instructor lists the course's.
    @Test func listsShowWhatTheCallerMaySee() async throws {
        try await EnrollmentHarness.run { h in
            let learner = try await h.learner()
            let courses = [try await h.course(), try await h.course(), try await h.course()]
            for course in courses { try await h.enroll(learner, in: course) }
            let other = try await h.learner()
            try await h.enroll(other, in: courses[0])

            let first = try await h.send(.get, "/enrollments?limit=2", as: learner)
            #expect(first.items.count == 2)
            let cursor = try #require(first["nextCursor"])
            let second = try await h.send(.get, "/enrollments?limit=2&cursor=\(cursor)", as: learner)
            #expect(second.items.count == 1 && second.json["nextCursor"] == nil)
            let ids = (first.items + second.items).compactMap { $0["courseId"] as? String }
            #expect(Set(ids) == Set(courses.map(\.id.uuidString)))

            #expect(try await h.send(.get, "/enrollments?userId=\(other.id)", as: learner).status == .forbidden)
            let byCourse = try await h.send(.get, "/enrollments?courseId=\(courses[0].id)", as: h.admin)
            #expect(byCourse.items.count == 2)
            let mine = try await h.send(.get, "/enrollments?courseId=\(courses[0].id)", as: learner)
            #expect(mine.items.count == 1)
            let taught = try await h.send(.get, "/enrollments?courseId=\(courses[0].id)", as: courses[0].instructor)
            #expect(taught.items.count == 2)
            #expect(try await h.send(.get, "/enrollments?status=cancelled", as: h.admin).items.isEmpty)
            #expect(try await h.send(.get, "/enrollments?status=done", as: h.admin).fields == ["status"])
        }
    }

    /// `PUT` moves an enrollment to another cohort that has a seat, and lets administrators end
    /// access, after which the sweeper expires the enrollment.
    @Test func anEnrollmentMovesCohortsAndAdministratorsEndAccess() async throws {
        try await EnrollmentHarness.run { h in
            let course = try await h.course(cohorts: [2, 1])
            let (spring, summer) = (course.cohorts[0], course.cohorts[1])
            let learner = try await h.learner()
            let enrollment = try await h.enroll(learner, in: course, cohort: spring)
            try await h.enroll(try await h.learner(), in: course, cohort: summer)
            let path = "/enrollments/\(enrollment["id"]!)"

            let full = try await h.send(.put, path, json: ["cohortId": summer.uuidString], as: learner)
            #expect(full.status == .conflict && full.code == "cohort_full")
            let wrong = try await h.send(.put, path, json: ["cohortId": UUID().uuidString], as: learner)
            #expect(wrong.status == .unprocessableContent && wrong.fields == ["cohortId"])
            #expect(try await h.send(.put, path, json: [:], as: learner).status == .unprocessableContent)
            #expect(try await h.send(.put, path, json: ["cohortId": spring.uuidString], as: try await h.learner()).status == .forbidden)
            #expect(try await h.send(.put, path, json: ["accessExpiresAt": "2030-01-01T00:00:00Z"], as: learner).status == .forbidden)

            h.courses.update(course.id) { json in
                var cohorts = json["cohorts"] as! [[String: Any]]
                cohorts[1]["capacity"] = 2
                json["cohorts"] = cohorts
            }
            let moved = try await h.send(.put, path, json: ["cohortId": summer.uuidString], as: learner)
            #expect(moved.status == .ok && moved.uuid("cohortId") == summer)
            #expect(try await h.bus.waitForEvents(ofType: "enrollment.updated").count == 1)
            // Asking for the cohort it is in already changes nothing and announces nothing.
            #expect(try await h.send(.put, path, json: ["cohortId": summer.uuidString], as: learner).uuid("cohortId") == summer)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await h.bus.events(ofType: "enrollment.updated").count == 1)

            let ended = try await h.send(.put, path, json: ["accessExpiresAt": Timestamp.format(Date().addingTimeInterval(-1))], as: h.admin)
            #expect(ended.status == .ok && ended["accessExpiresAt"] != nil)
            try await eventually { try await h.send(.get, path, as: learner)["status"] == "expired" }
            let expired = try await h.bus.waitForEvents(ofType: "enrollment.expired")
            #expect(expired.first?.data["reason"] == "access_ended")
        }
    }
}
