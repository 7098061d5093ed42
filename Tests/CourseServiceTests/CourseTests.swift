import Foundation
import HTTPTypes
import NIOCore
import Shared
import Testing
import TestSupport

@testable import CourseService

@Suite struct CourseTests {
    /// An instructor creates, reads, edits and deletes their own draft; the document has the
    /// shape enrollment-service relies on.
    @Test func instructorsManageTheirOwnCourses() async throws {
        try await CourseHarness.run { courses in
            let ada = try await courses.instructor()
            let created = try await courses.send(.post, "/courses", json: CourseHarness.courseBody(["capacity": 30]), as: ada)
            #expect(created.status == .created)
            #expect(created["status"] == "draft" && created["instructorId"]?.lowercased() == ada.id.lowercasedText)
            #expect(created.json["capacity"] as? Int == 30)
            #expect((created.json["price"] as? [String: Any])?["amount"] as? Int == 4_900)
            #expect(created.json["rating"] as? [String: Any] != nil && (created.json["rating"] as? [String: Any])?["average"] is NSNull)
            #expect(created.json["publishedAt"] is NSNull && created.json["prerequisites"] as? [Any] != nil)
            #expect(created.int("lessonCount") == 0 && created.int("totalDurationMinutes") == 0)
            let id = try #require(created["id"])

            let edited = try await courses.send(.put, "/courses/\(id)", json: CourseHarness.courseBody(["title": "Swift in Depth", "level": "advanced"]),
                                                as: ada)
            #expect(edited.status == .ok && edited["title"] == "Swift in Depth" && edited["level"] == "advanced")
            #expect(edited.json["capacity"] is NSNull, "a PUT replaces every field: no capacity is no limit")
            #expect(try await courses.send(.get, "/courses/\(id)", as: ada)["title"] == "Swift in Depth")

            #expect(try await courses.send(.delete, "/courses/\(id)", as: ada).status == .noContent)
            #expect(try await courses.send(.get, "/courses/\(id)", as: ada).status == .notFound)
            let deleted = try await courses.bus.waitForEvents(ofType: "course.deleted", subject: id.lowercased())
            #expect(deleted.first?.data["title"] == "Swift in Depth")
        }
    }

    /// Only instructors and administrators create courses, each edits only what they may, and
    /// writes need a token.
    @Test func writesAreRefusedToThoseWhoMayNotMakeThem() async throws {
        try await CourseHarness.run { courses in
            let ada = try await courses.instructor()
            let bob = try await courses.instructor()
            let learner = try await courses.learner()
            #expect(try await courses.send(.post, "/courses", json: CourseHarness.courseBody(), as: learner).status == .forbidden)
            #expect(try await courses.send(.post, "/courses", json: CourseHarness.courseBody()).status == .unauthorized)
            #expect(try await courses.send(.post, "/courses", json: CourseHarness.courseBody(), as: courses.service).status == .forbidden)
            let foreign = try await courses.send(.post, "/courses", json: CourseHarness.courseBody(["instructorId": bob.id.uuidString]), as: ada)
            #expect(foreign.status == .forbidden, "only administrators create courses for others")
            let forBob = try await courses.send(.post, "/courses", json: CourseHarness.courseBody(["instructorId": bob.id.uuidString]), as: courses.admin)
            #expect(forBob.status == .created && forBob["instructorId"]?.lowercased() == bob.id.lowercasedText)

            let published = try await courses.publishedCourse(by: ada)
            #expect(try await courses.send(.put, "/courses/\(published)", json: CourseHarness.courseBody(), as: bob).status == .forbidden)
            #expect(try await courses.send(.put, "/courses/\(published)", json: CourseHarness.courseBody(), as: learner).status == .forbidden)
            #expect(try await courses.send(.put, "/courses/\(published)", json: CourseHarness.courseBody()).status == .unauthorized)
            #expect(try await courses.send(.put, "/courses/\(published)", json: CourseHarness.courseBody(), as: courses.service).status == .forbidden)
            #expect(try await courses.send(.post, "/courses/\(published)/modules", json: ["title": "x"], as: bob).status == .forbidden)
            let byAdmin = try await courses.send(.put, "/courses/\(published)", json: CourseHarness.courseBody(["title": "Checked"]), as: courses.admin)
            #expect(byAdmin.status == .ok && byAdmin["title"] == "Checked")
            #expect(byAdmin["instructorId"]?.lowercased() == ada.id.lowercasedText, "an admin's edit keeps the instructor")

            let draft = try await courses.course(by: ada)
            #expect(try await courses.send(.put, "/courses/\(draft)", json: CourseHarness.courseBody(), as: bob).status == .notFound,
                    "another instructor's draft is not theirs to know of")
            #expect(try await courses.send(.delete, "/courses/\(draft)", as: bob).status == .notFound)
            #expect(try await courses.send(.delete, "/courses/\(draft)").status == .unauthorized)
            #expect(try await courses.send(.get, "/courses/\(draft)", as: ada).status == .ok)
        }
    }

    /// Drafts are invisible to the public and to learners; services and administrators see
    /// every status; a published course is public without a token.
    @Test func draftsAreVisibleOnlyToTheirInstructorAdminsAndServices() async throws {
        try await CourseHarness.run { courses in
            let ada = try await courses.instructor()
            let draft = try await courses.course(by: ada, ["title": "Hidden Draft"])
            let published = try await courses.publishedCourse(by: ada, ["title": "Open Course"])
            let learner = try await courses.learner()

            #expect(try await courses.send(.get, "/courses/\(draft)").status == .notFound)
            #expect(try await courses.send(.get, "/courses/\(draft)", as: learner).status == .notFound)
            #expect(try await courses.send(.get, "/courses/\(draft)/modules").status == .notFound)
            #expect(try await courses.send(.get, "/courses/\(draft)/reviews").status == .notFound)
            #expect(try await courses.send(.get, "/courses/\(draft)", as: courses.service)["status"] == "draft")
            #expect(try await courses.send(.get, "/courses/\(draft)", as: courses.admin)["status"] == "draft")

            let anonymous = try await courses.send(.get, "/courses/\(published)")
            #expect(anonymous.status == .ok && anonymous["status"] == "published" && anonymous["publishedAt"] != nil)
            #expect(try await courses.send(.get, "/courses/\(published)/modules").items.count == 1)
            #expect(try await courses.send(.get, "/courses/\(published)/reviews").status == .ok)
            #expect(try await courses.send(.get, "/courses").ids == [published])
            #expect(try await courses.send(.get, "/courses?status=draft").status == .unauthorized)
            #expect(try await courses.send(.get, "/courses?status=draft", as: learner).status == .forbidden)
            #expect(try await courses.send(.get, "/courses?status=draft&instructorId=\(ada.id)", as: ada).ids == [draft])
            #expect(try await courses.send(.get, "/courses?status=draft", as: courses.admin).ids == [draft])
            #expect(try await courses.send(.get, "/courses/\(published)", json: nil, as: CourseHarness.Caller(id: UUID(), token: "not-a-token")).status
                    == .unauthorized, "a token that does not verify is refused even on a public route")
        }
    }

    /// A malformed body is refused with the fields named, and changes nothing.
    @Test func invalidCoursesAreRefusedNamingTheFields() async throws {
        try await CourseHarness.run { courses in
            let ada = try await courses.instructor()
            let bad = try await courses.send(.post, "/courses", json: CourseHarness.courseBody([
                "title": " ", "category": "Not A Slug", "level": "expert", "language": "english",
                "tags": ["ok", "ok", "BAD"], "price": ["amount": -1, "currency": "XXX"], "capacity": 0,
            ]), as: ada)
            #expect(bad.status == .unprocessableContent && bad.code == "validation_failed")
            #expect(Set(bad.fields) == ["title", "category", "level", "language", "tags[1]", "tags[2]", "price.amount", "price.currency", "capacity"])
            #expect(try await courses.send(.post, "/courses", json: CourseHarness.courseBody(["capacity": 1.5]), as: ada).fields == ["capacity"])
            #expect(try await courses.send(.post, "/courses", json: ["title": "x"], as: ada).fields == ["category"])
            let notJSON = try await courses.client.execute(uri: "/courses", method: .post,
                                                           headers: [.authorization: "Bearer \(ada.token)", .contentType: "application/json"],
                                                           body: ByteBuffer(string: "{"))
            #expect(notJSON.status == .badRequest)
            #expect(try await courses.send(.get, "/courses?status=draft&instructorId=\(ada.id)", as: ada).items.isEmpty, "nothing was created")

            let id = try await courses.course(by: ada, ["title": "Kept"])
            #expect(try await courses.send(.put, "/courses/\(id)", json: CourseHarness.courseBody(["title": ""]), as: ada).fields == ["title"])
            #expect(try await courses.send(.get, "/courses/\(id)", as: ada)["title"] == "Kept")
            #expect(try await courses.send(.get, "/courses/not-a-uuid").status == .badRequest)
            #expect(try await courses.send(.get, "/courses/\(UUID())").status == .notFound)
        }
    }

    /// A course that was ever published cannot be deleted, only archived; one that others
    /// require cannot be deleted either.
    @Test func deletingIsForCoursesNeverPublishedAndRequiredByNone() async throws {
        try await CourseHarness.run { courses in
            let ada = try await courses.instructor()
            let published = try await courses.publishedCourse(by: ada)
            let refused = try await courses.send(.delete, "/courses/\(published)", as: ada)
            #expect(refused.status == .conflict && refused.code == "course_was_published")
            #expect(try await courses.send(.post, "/courses/\(published)/archive", as: ada)["status"] == "archived")
            #expect(try await courses.send(.delete, "/courses/\(published)", as: courses.admin).code == "course_was_published")

            let basics = try await courses.course(by: ada, ["title": "Basics"])
            let advanced = try await courses.course(by: ada, ["title": "Advanced"])
            #expect(try await courses.send(.put, "/courses/\(advanced)/prerequisites", json: ["courseIds": [basics]], as: ada).status == .ok)
            let required = try await courses.send(.delete, "/courses/\(basics)", as: ada)
            #expect(required.status == .conflict && required.code == "course_is_prerequisite")
            #expect(try await courses.send(.delete, "/courses/\(advanced)", as: ada).status == .noContent)
            #expect(try await courses.send(.delete, "/courses/\(basics)", as: ada).status == .noContent)
        }
    }

    /// Course and cohort seat limits are checked, listed in the document and carried by events.
    @Test func coursesAndCohortsCarrySeatLimits() async throws {
        try await CourseHarness.run { courses in
            let ada = try await courses.instructor()
            let id = try await courses.course(by: ada, ["capacity": 2])
            let start = Date().addingTimeInterval(86_400)
            let cohort: [String: Any] = ["name": "Spring", "startsAt": Timestamp.format(start),
                                         "endsAt": Timestamp.format(start.addingTimeInterval(30 * 86_400)), "capacity": 5]
            let created = try await courses.send(.post, "/courses/\(id)/cohorts", json: cohort, as: ada)
            #expect(created.status == .created && created.int("capacity") == 5)
            var unlimited = cohort
            unlimited["name"] = "Open"
            unlimited.removeValue(forKey: "capacity")
            let open = try await courses.send(.post, "/courses/\(id)/cohorts", json: unlimited, as: ada)
            #expect(open.status == .created && open.json["capacity"] is NSNull)

            var bad = cohort
            bad["capacity"] = 0
            bad["endsAt"] = Timestamp.format(start.addingTimeInterval(-1))
            #expect(Set(try await courses.send(.post, "/courses/\(id)/cohorts", json: bad, as: ada).fields) == ["capacity", "endsAt"])

            let detail = try await courses.send(.get, "/courses/\(id)", as: courses.service)
            #expect(detail.int("capacity") == 2)
            #expect((detail.json["cohorts"] as? [[String: Any]])?.compactMap { $0["capacity"] as? Int } == [5])
            let updated = try await courses.bus.waitForEvents(ofType: "course.updated", subject: id, count: 2)
            let cohorts = updated.last?.data["cohorts"]
            #expect(cohorts == .array([
                .object(["id": .string(created["id"]!), "capacity": .number(5)]),
                .object(["id": .string(open["id"]!), "capacity": .null]),
            ]))
            #expect(updated.last?.data["capacity"] == .number(2))

            var changed = cohort
            changed["capacity"] = 8
            #expect(try await courses.send(.put, "/courses/\(id)/cohorts/\(created["id"]!)", json: changed, as: ada).int("capacity") == 8)
            #expect(try await courses.send(.delete, "/courses/\(id)/cohorts/\(open["id"]!)", as: ada).status == .noContent)
            #expect(try await courses.send(.get, "/courses/\(id)/cohorts", as: ada).items.count == 1)
        }
    }
}
