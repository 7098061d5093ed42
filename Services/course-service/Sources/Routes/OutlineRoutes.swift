import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// Modules and lessons: the syllabus is public with the course; a lesson's content is for
/// those who teach or study it.
struct OutlineRoutes: Sendable {
    let courses: CourseStore
    let outline: OutlineStore

    func add(to router: Router<AppRequestContext>, signedIn group: RouterGroup<AppRequestContext>) {
        router.get("/courses/:id/modules") { _, context in
            Listing(items: try await visibleDetail(try context.uuid("id"), viewer: context.viewer).modules)
        }

        group.post("/courses/:id/modules") { request, context in
            let order = try await request.decode(as: ModuleOrder.self, context: context)
            let problems = order.problems()
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            let module = try await outline.addModule(to: try context.uuid("id"), title: order.title.trimmingCharacters(in: .whitespacesAndNewlines),
                                                     by: context.viewer)
            return EditedResponse(status: .created, response: module)
        }

        group.put("/courses/:id/modules/order") { request, context in
            let id = try context.uuid("id")
            let order = try await request.decode(as: ModuleSequence.self, context: context)
            try await outline.reorderModules(of: id, order.moduleIds, by: context.viewer)
            return Listing(items: try await visibleDetail(id, viewer: context.viewer).modules)
        }

        group.put("/courses/:id/modules/:moduleId") { request, context in
            let (id, moduleId) = (try context.uuid("id"), try context.uuid("moduleId"))
            let order = try await request.decode(as: ModuleOrder.self, context: context)
            let problems = order.problems()
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            try await outline.renameModule(moduleId, of: id, title: order.title.trimmingCharacters(in: .whitespacesAndNewlines), by: context.viewer)
            return try await module(moduleId, of: id, viewer: context.viewer)
        }

        group.delete("/courses/:id/modules/:moduleId") { _, context in
            try await outline.deleteModule(try context.uuid("moduleId"), of: try context.uuid("id"), by: context.viewer)
            return HTTPResponse.Status.noContent
        }

        group.put("/courses/:id/modules/:moduleId/lessons/order") { request, context in
            let (id, moduleId) = (try context.uuid("id"), try context.uuid("moduleId"))
            let order = try await request.decode(as: LessonSequence.self, context: context)
            try await outline.reorderLessons(in: moduleId, of: id, order.lessonIds, by: context.viewer)
            return try await module(moduleId, of: id, viewer: context.viewer)
        }

        group.post("/courses/:id/modules/:moduleId/lessons") { request, context in
            let (id, moduleId) = (try context.uuid("id"), try context.uuid("moduleId"))
            let order = try await request.decode(as: LessonOrder.self, context: context)
            let problems = order.problems()
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            let lesson = try await outline.addLesson(to: moduleId, of: id, order.fields, position: order.position.map(Int.init), by: context.viewer)
            return EditedResponse(status: .created, response: LessonDocument(courseId: id, lesson: lesson))
        }

        group.get("/courses/:id/lessons/:lessonId") { _, context in
            let (id, lessonId) = (try context.uuid("id"), try context.uuid("lessonId"))
            try await requireStudy(id, viewer: context.viewer)
            guard let lesson = try await outline.lesson(lessonId, of: id) else { throw Problem.notFound("lesson", id: lessonId) }
            return LessonDocument(courseId: id, lesson: lesson)
        }

        group.put("/courses/:id/lessons/:lessonId") { request, context in
            let (id, lessonId) = (try context.uuid("id"), try context.uuid("lessonId"))
            let order = try await request.decode(as: LessonOrder.self, context: context)
            let problems = order.problems()
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            let lesson = try await outline.updateLesson(lessonId, of: id, order.fields, by: context.viewer)
            return LessonDocument(courseId: id, lesson: lesson)
        }

        group.delete("/courses/:id/lessons/:lessonId") { _, context in
            try await outline.deleteLesson(try context.uuid("lessonId"), of: try context.uuid("id"), by: context.viewer)
            return HTTPResponse.Status.noContent
        }

        group.post("/courses/:id/lessons/:lessonId/move") { request, context in
            let (id, lessonId) = (try context.uuid("id"), try context.uuid("lessonId"))
            let move = try await request.decode(as: LessonMove.self, context: context)
            let problems = move.problems()
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            let lesson = try await outline.moveLesson(lessonId, of: id, to: move.moduleId, position: move.position.map(Int.init), by: context.viewer)
            return LessonDocument(courseId: id, lesson: lesson)
        }
    }

    /// Refuses callers who may not study the course's content: its instructor, administrators,
    /// services and its learners (active or completed, also once the course is archived) may.
    private func requireStudy(_ id: UUID, viewer: Viewer) async throws {
        guard let course = try await courses.course(id) else { throw Problem.notFound("course", id: id) }
        if viewer.seesEverything || viewer.owns(course) { return }
        if let userId = viewer.userId, course.wasPublished, try await courses.isLearner(userId, of: id) { return }
        guard viewer.maySee(course) else { throw Problem.notFound("course", id: id) }
        throw Problem(.forbidden, code: "not_enrolled", detail: "a lesson's content is for the course's learners")
    }

    private func visibleDetail(_ id: UUID, viewer: Viewer) async throws -> CourseDetail {
        guard let detail = try await courses.detail(id), viewer.maySee(detail.course) else { throw Problem.notFound("course", id: id) }
        return detail
    }

    private func module(_ moduleId: UUID, of id: UUID, viewer: Viewer) async throws -> CourseModule {
        guard let module = try await visibleDetail(id, viewer: viewer).modules.first(where: { $0.id == moduleId }) else {
            throw Problem.notFound("module", id: moduleId)
        }
        return module
    }
}
