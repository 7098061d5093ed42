import Foundation
import Shared

/// A course's modules and lessons and their order. Positions are 1, 2, 3… within the parent
/// and stay so after every change; each change goes through `CourseStore.change`, which locks
/// the course, so concurrent edits of one outline are made one after another.
struct OutlineStore: Sendable {
    let courses: CourseStore

    // MARK: Modules

    /// Adds a module at the end of the course.
    func addModule(to courseId: UUID, title: String, by viewer: Viewer) async throws -> CourseModule {
        try await courses.change(courseId, by: viewer) { transaction, course in
            try EditRules.checkEditable(course)
            let id = UUIDv7.make()
            let row = try await transaction.queryFirst("""
                INSERT INTO course_modules (id, course_id, title, position)
                SELECT \(id), \(courseId), \(title), coalesce(max(position), 0) + 1 FROM course_modules WHERE course_id = \(courseId)
                RETURNING position
                """)!
            return CourseModule(id: id, title: title, position: try row.decode("position"), lessons: [])
        }
    }

    func renameModule(_ moduleId: UUID, of courseId: UUID, title: String, by viewer: Viewer) async throws {
        try await courses.change(courseId, by: viewer) { transaction, course in
            try EditRules.checkEditable(course)
            let changed = try await transaction.execute("""
                UPDATE course_modules SET title = \(title), updated_at = now() WHERE id = \(moduleId) AND course_id = \(courseId)
                """)
            guard changed == 1 else { throw Problem.notFound("module", id: moduleId) }
        }
    }

    /// Deletes a module and its lessons; the modules after it move up.
    func deleteModule(_ moduleId: UUID, of courseId: UUID, by viewer: Viewer) async throws {
        try await courses.change(courseId, by: viewer) { transaction, course in
            try EditRules.checkRemovable("modules", from: course)
            guard let row = try await transaction.queryFirst("""
                DELETE FROM course_modules WHERE id = \(moduleId) AND course_id = \(courseId) RETURNING position
                """) else { throw Problem.notFound("module", id: moduleId) }
            try await transaction.execute("""
                UPDATE course_modules SET position = position - 1
                WHERE course_id = \(courseId) AND position > \(try row.decode("position", as: Int.self))
                """)
        }
    }

    /// Puts the course's modules in the order given, which must name each of them once.
    func reorderModules(of courseId: UUID, _ order: [UUID], by viewer: Viewer) async throws {
        try await courses.change(courseId, by: viewer) { transaction, course in
            try EditRules.checkEditable(course)
            let current = try await transaction.query("SELECT id FROM course_modules WHERE course_id = \(courseId)")
                .map { try $0.decode("id", as: UUID.self) }
            let problems = Ordering.problems(order, current: current, field: "moduleIds")
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            try await transaction.execute("""
                UPDATE course_modules m SET position = o.position, updated_at = now()
                FROM unnest(\(order)::uuid[]) WITH ORDINALITY AS o(id, position) WHERE m.id = o.id
                """)
        }
    }

    // MARK: Lessons

    /// The lesson with its content.
    func lesson(_ lessonId: UUID, of courseId: UUID) async throws -> Lesson? {
        try await courses.database.queryFirst("""
            SELECT \(Rows.lesson) FROM lessons WHERE id = \(lessonId) AND course_id = \(courseId)
            """).map(Rows.lesson)
    }

    /// Adds a lesson to a module, at `position` (the lessons from there on move down) or at the end.
    func addLesson(to moduleId: UUID, of courseId: UUID, _ fields: LessonFields, position: Int?, by viewer: Viewer) async throws -> Lesson {
        try await courses.change(courseId, by: viewer) { transaction, course in
            try EditRules.checkEditable(course)
            let lessons = try await lessonIds(in: moduleId, of: courseId, transaction)
            let id = UUIDv7.make()
            let order = Ordering.inserting(id, into: lessons, at: position)
            try await transaction.execute("""
                INSERT INTO lessons (id, course_id, module_id, title, kind, duration_minutes, required, position,
                                     video_url, body, quiz_id, instructions)
                VALUES (\(id), \(courseId), \(moduleId), \(fields.title), \(fields.kind.rawValue), \(fields.durationMinutes),
                        \(fields.required), \(order.count), \(fields.content.videoUrl), \(fields.content.body),
                        \(fields.content.quizId), \(fields.content.instructions))
                """)
            try await renumber(order, in: moduleId, transaction)
            return try await lesson(id, transaction)
        }
    }

    /// Replaces the lesson's fields; its place stays.
    func updateLesson(_ lessonId: UUID, of courseId: UUID, _ fields: LessonFields, by viewer: Viewer) async throws -> Lesson {
        try await courses.change(courseId, by: viewer) { transaction, course in
            try EditRules.checkEditable(course)
            let changed = try await transaction.execute("""
                UPDATE lessons SET title = \(fields.title), kind = \(fields.kind.rawValue), duration_minutes = \(fields.durationMinutes),
                    required = \(fields.required), video_url = \(fields.content.videoUrl), body = \(fields.content.body),
                    quiz_id = \(fields.content.quizId), instructions = \(fields.content.instructions), updated_at = now()
                WHERE id = \(lessonId) AND course_id = \(courseId)
                """)
            guard changed == 1 else { throw Problem.notFound("lesson", id: lessonId) }
            return try await lesson(lessonId, transaction)
        }
    }

    /// Deletes a lesson; the lessons after it in its module move up.
    func deleteLesson(_ lessonId: UUID, of courseId: UUID, by viewer: Viewer) async throws {
        try await courses.change(courseId, by: viewer) { transaction, course in
            try EditRules.checkRemovable("lessons", from: course)
            guard let row = try await transaction.queryFirst("""
                DELETE FROM lessons WHERE id = \(lessonId) AND course_id = \(courseId) RETURNING module_id, position
                """) else { throw Problem.notFound("lesson", id: lessonId) }
            try await transaction.execute("""
                UPDATE lessons SET position = position - 1
                WHERE module_id = \(try row.decode("module_id", as: UUID.self)) AND position > \(try row.decode("position", as: Int.self))
                """)
        }
    }

    /// Puts a module's lessons in the order given, which must name each of them once.
    func reorderLessons(in moduleId: UUID, of courseId: UUID, _ order: [UUID], by viewer: Viewer) async throws {
        try await courses.change(courseId, by: viewer) { transaction, course in
            try EditRules.checkEditable(course)
            let current = try await lessonIds(in: moduleId, of: courseId, transaction)
            let problems = Ordering.problems(order, current: current, field: "lessonIds")
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            try await renumber(order, in: moduleId, transaction)
        }
    }

    /// Moves a lesson to a position in a module of the same course (its own or another); the
    /// lessons of both modules close up and make room.
    func moveLesson(_ lessonId: UUID, of courseId: UUID, to moduleId: UUID, position: Int?, by viewer: Viewer) async throws -> Lesson {
        try await courses.change(courseId, by: viewer) { transaction, course in
            try EditRules.checkEditable(course)
            guard let moving = try await transaction.queryFirst("""
                SELECT module_id FROM lessons WHERE id = \(lessonId) AND course_id = \(courseId)
                """) else { throw Problem.notFound("lesson", id: lessonId) }
            let source: UUID = try moving.decode("module_id")
            guard try await transaction.queryFirst("""
                SELECT 1 FROM course_modules WHERE id = \(moduleId) AND course_id = \(courseId)
                """) != nil else { throw Problem.invalid("moduleId", "is not a module of this course") }
            let target = Ordering.inserting(lessonId, into: try await lessonIds(in: moduleId, of: courseId, transaction), at: position)
            if source != moduleId {
                try await renumber(try await lessonIds(in: source, of: courseId, transaction).filter { $0 != lessonId }, in: source, transaction)
            }
            try await renumber(target, in: moduleId, transaction)
            return try await lesson(lessonId, transaction)
        }
    }

    // MARK: Helpers

    /// The module's lessons in order; 404 when the module is not the course's.
    private func lessonIds(in moduleId: UUID, of courseId: UUID, _ transaction: Transaction) async throws -> [UUID] {
        guard try await transaction.queryFirst("SELECT 1 FROM course_modules WHERE id = \(moduleId) AND course_id = \(courseId)") != nil else {
            throw Problem.notFound("module", id: moduleId)
        }
        return try await transaction.query("SELECT id FROM lessons WHERE module_id = \(moduleId) ORDER BY position")
            .map { try $0.decode("id", as: UUID.self) }
    }

    /// Gives the lessons positions 1, 2, 3… in `moduleId`, in the order given.
    private func renumber(_ lessons: [UUID], in moduleId: UUID, _ transaction: Transaction) async throws {
        try await transaction.execute("""
            UPDATE lessons l SET module_id = \(moduleId), position = o.position, updated_at = now()
            FROM unnest(\(lessons)::uuid[]) WITH ORDINALITY AS o(id, position)
            WHERE l.id = o.id AND (l.module_id <> \(moduleId) OR l.position <> o.position)
            """)
    }

    private func lesson(_ id: UUID, _ transaction: Transaction) async throws -> Lesson {
        try Rows.lesson(try await transaction.queryFirst("SELECT \(Rows.lesson) FROM lessons WHERE id = \(id)")!)
    }
}
