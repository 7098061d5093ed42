import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import CourseService

@Suite struct OutlineTests {
    /// Modules and lessons keep positions 1, 2, 3… through inserts, reorders, moves between
    /// modules and deletions; the document's totals follow.
    @Test func modulesAndLessonsAreOrderedReorderedAndMoved() async throws {
        try await CourseHarness.run { courses in
            let ada = try await courses.instructor()
            let id = try await courses.course(by: ada)
            let first = try await courses.module(id, title: "First", by: ada)
            let second = try await courses.module(id, title: "Second", by: ada)
            let a = try await courses.lesson(id, module: first, title: "A", minutes: 5, by: ada)
            let b = try await courses.lesson(id, module: first, title: "B", minutes: 7, by: ada)
            let inserted = try await courses.send(.post, "/courses/\(id)/modules/\(first)/lessons", json: [
                "title": "Intro", "kind": "video", "durationMinutes": 3, "videoUrl": "https://videos.example/intro.mp4", "position": 1,
            ], as: ada)
            #expect(inserted.status == .created && inserted.int("position") == 1 && inserted.json["required"] as? Bool == true)
            let intro = try #require(inserted["id"]?.lowercased())

            func outline() async throws -> [[String]] {
                try await courses.send(.get, "/courses/\(id)", as: ada).modules.map { module in
                    (module["lessons"] as? [[String: Any]] ?? []).map { ($0["id"] as? String ?? "").lowercased() }
                }
            }
            func positions() async throws -> [[Int]] {
                try await courses.send(.get, "/courses/\(id)", as: ada).modules.map { module in
                    (module["lessons"] as? [[String: Any]] ?? []).compactMap { $0["position"] as? Int }
                }
            }
            #expect(try await outline() == [[intro, a, b], []])

            let reordered = try await courses.send(.put, "/courses/\(id)/modules/\(first)/lessons/order", json: ["lessonIds": [b, intro, a]], as: ada)
            #expect(reordered.status == .ok)
            #expect(try await outline() == [[b, intro, a], []])
            let incomplete = try await courses.send(.put, "/courses/\(id)/modules/\(first)/lessons/order", json: ["lessonIds": [b, b]], as: ada)
            #expect(incomplete.status == .unprocessableContent && incomplete.fields == ["lessonIds[1]"])
            #expect(try await courses.send(.put, "/courses/\(id)/modules/\(first)/lessons/order", json: ["lessonIds": [b, intro]], as: ada).fields
                    == ["lessonIds"])

            let moved = try await courses.send(.post, "/courses/\(id)/lessons/\(intro)/move", json: ["moduleId": second], as: ada)
            #expect(moved.status == .ok && moved["moduleId"]?.lowercased() == second && moved.int("position") == 1)
            #expect(try await outline() == [[b, a], [intro]])
            #expect(try await courses.send(.post, "/courses/\(id)/lessons/\(a)/move", json: ["moduleId": second, "position": 1], as: ada).status == .ok)
            #expect(try await outline() == [[b], [a, intro]])
            #expect(try await positions() == [[1], [1, 2]])
            #expect(try await courses.send(.post, "/courses/\(id)/lessons/\(b)/move", json: ["moduleId": UUID().uuidString], as: ada).fields == ["moduleId"])

            let modules = try await courses.send(.put, "/courses/\(id)/modules/order", json: ["moduleIds": [second, first]], as: ada)
            #expect(modules.ids == [second, first])
            #expect(try await courses.send(.put, "/courses/\(id)/modules/\(first)", json: ["title": "Renamed"], as: ada)["title"] == "Renamed")

            #expect(try await courses.send(.delete, "/courses/\(id)/lessons/\(a)", as: ada).status == .noContent)
            #expect(try await outline() == [[intro], [b]])
            #expect(try await positions() == [[1], [1]])
            let detail = try await courses.send(.get, "/courses/\(id)", as: ada)
            #expect(detail.int("lessonCount") == 2 && detail.int("totalDurationMinutes") == 10)
            #expect(try await courses.send(.delete, "/courses/\(id)/modules/\(second)", as: ada).status == .noContent)
            let left = try await courses.send(.get, "/courses/\(id)/modules", as: ada)
            #expect(left.ids == [first] && left.items.first?["position"] as? Int == 1)
        }
    }

    /// Each lesson kind needs its own content and refuses another's; durations are whole
    /// minutes; `required` defaults to true.
    @Test func lessonKindsCarryTheirOwnContent() async throws {
        try await CourseHarness.run { courses in
            let ada = try await courses.instructor()
            let id = try await courses.course(by: ada)
            let module = try await courses.module(id, by: ada)
            let path = "/courses/\(id)/modules/\(module)/lessons"
            let quizId = UUID()
            let quiz = try await courses.send(.post, path, json: ["title": "Check", "kind": "quiz", "durationMinutes": 15, "quizId": quizId.uuidString,
                                                                 "required": false], as: ada)
            #expect(quiz.status == .created && quiz.json["required"] as? Bool == false && quiz.uuid("quizId") == quizId)
            let task = try await courses.send(.post, path, json: ["title": "Build it", "kind": "assignment", "durationMinutes": 60,
                                                                 "instructions": "Write an app."], as: ada)
            #expect(task.status == .created && task["instructions"] == "Write an app.")

            let noContent = try await courses.send(.post, path, json: ["title": "V", "kind": "video", "durationMinutes": 1], as: ada)
            #expect(noContent.status == .unprocessableContent && noContent.fields == ["videoUrl"])
            let mixed = try await courses.send(.post, path, json: ["title": "T", "kind": "text", "durationMinutes": 1, "body": "x",
                                                                  "videoUrl": "https://v.example/x"], as: ada)
            #expect(mixed.fields == ["videoUrl"])
            let bad = try await courses.send(.post, path, json: ["title": "", "kind": "podcast", "durationMinutes": -1], as: ada)
            #expect(Set(bad.fields) == ["title", "kind", "durationMinutes"])
            #expect(try await courses.send(.post, path, json: ["title": "V", "kind": "video", "durationMinutes": 1, "videoUrl": "ftp://x"], as: ada).fields
                    == ["videoUrl"])
            #expect(try await courses.send(.post, path, json: ["title": "V", "kind": "text", "durationMinutes": 2.5, "body": "x"], as: ada).fields
                    == ["durationMinutes"])

            let edited = try await courses.send(.put, "/courses/\(id)/lessons/\(quiz["id"]!)", json: [
                "title": "Now a text", "kind": "text", "durationMinutes": 4, "body": "Read on.",
            ], as: ada)
            #expect(edited.status == .ok && edited["kind"] == "text" && edited["body"] == "Read on." && edited["quizId"] == nil)
            #expect(edited.json["required"] as? Bool == true, "a PUT replaces every field")
            #expect(try await courses.send(.get, "/courses/\(id)", as: ada).int("totalDurationMinutes") == 64)
        }
    }

    /// A lesson's content is for the instructor, administrators, services and the course's
    /// learners; the syllabus shows no content.
    @Test func lessonContentIsForThoseWhoTeachOrStudyIt() async throws {
        try await CourseHarness.run { courses in
            let ada = try await courses.instructor()
            let id = try await courses.publishedCourse(by: ada)
            let detail = try await courses.send(.get, "/courses/\(id)")
            let lesson = try #require(((detail.modules.first?["lessons"] as? [[String: Any]])?.first?["id"] as? String))
            #expect(((detail.modules.first?["lessons"] as? [[String: Any]])?.first?["body"]) == nil)

            let learner = try await courses.learner()
            #expect(try await courses.send(.get, "/courses/\(id)/lessons/\(lesson)").status == .unauthorized)
            let refused = try await courses.send(.get, "/courses/\(id)/lessons/\(lesson)", as: learner)
            #expect(refused.status == .forbidden && refused.code == "not_enrolled")
            #expect(try await courses.send(.get, "/courses/\(id)/lessons/\(lesson)", as: ada)["body"] == "Read this.")
            #expect(try await courses.send(.get, "/courses/\(id)/lessons/\(lesson)", as: courses.service)["body"] == "Read this.")
            try await courses.enrollmentEvent("enrollment.created", learner: learner.id, course: id, status: "active")
            #expect(try await courses.send(.get, "/courses/\(id)/lessons/\(lesson)", as: learner)["body"] == "Read this.")
        }
    }

    /// Once published, modules, lessons and cohorts can be added, edited and reordered but not
    /// deleted; an archived course cannot be changed at all.
    @Test func publishedContentIsKeptAndArchivedCoursesAreReadOnly() async throws {
        try await CourseHarness.run { courses in
            let ada = try await courses.instructor()
            let id = try await courses.publishedCourse(by: ada)
            let detail = try await courses.send(.get, "/courses/\(id)", as: ada)
            let module = try #require(detail.modules.first?["id"] as? String)
            let lesson = try #require((detail.modules.first?["lessons"] as? [[String: Any]])?.first?["id"] as? String)

            let second = try await courses.lesson(id, module: module.lowercased(), title: "Added later", by: ada)
            #expect(try await courses.send(.put, "/courses/\(id)/modules/\(module)/lessons/order", json: ["lessonIds": [second, lesson]], as: ada).status == .ok)
            let lessonRefused = try await courses.send(.delete, "/courses/\(id)/lessons/\(lesson)", as: ada)
            #expect(lessonRefused.status == .conflict && lessonRefused.code == "published_content_locked")
            #expect(try await courses.send(.delete, "/courses/\(id)/modules/\(module)", as: ada).code == "published_content_locked")
            #expect(try await courses.send(.get, "/courses/\(id)", as: ada).int("lessonCount") == 2)

            #expect(try await courses.send(.post, "/courses/\(id)/archive", as: ada).status == .ok)
            let archived = try await courses.send(.put, "/courses/\(id)", json: CourseHarness.courseBody(), as: ada)
            #expect(archived.status == .conflict && archived.code == "course_archived")
            #expect(try await courses.send(.post, "/courses/\(id)/modules", json: ["title": "More"], as: ada).code == "course_archived")
        }
    }
}
