import Foundation
import Shared

/// Courses: reading their documents, creating them, and the one way every change to a course
/// is made (`change`), so that each locks the course, checks who is asking, publishes its event
/// in the same transaction and retires the cached copies once committed.
struct CourseStore: Sendable {
    let database: Database
    let outbox: Outbox
    let cache: CourseCache

    // MARK: Reading

    /// The course with its prerequisites, cohorts and syllabus, read from one snapshot.
    func detail(_ id: UUID) async throws -> CourseDetail? {
        try await database.transaction(.repeatableRead) { transaction in try await Self.detail(id, in: transaction) }
    }

    static func detail(_ id: UUID, in transaction: Transaction) async throws -> CourseDetail? {
        guard let row = try await transaction.queryFirst("SELECT \(Rows.course) FROM courses c WHERE c.id = \(id)") else { return nil }
        let prerequisites = try await transaction.query("""
            SELECT required_course_id FROM course_prerequisites WHERE course_id = \(id) ORDER BY position
            """).map { try $0.decode("required_course_id", as: UUID.self) }
        let cohorts = try await Self.cohorts(of: id, in: transaction)
        let lessons = try await transaction.query("""
            SELECT \(Rows.lesson) FROM lessons WHERE course_id = \(id) ORDER BY position
            """).map(Rows.lesson)
        let byModule = Dictionary(grouping: lessons, by: \.moduleId)
        let modules = try await transaction.query("""
            SELECT id, title, position FROM course_modules WHERE course_id = \(id) ORDER BY position
            """).map { row in
            let moduleId: UUID = try row.decode("id")
            return CourseModule(id: moduleId, title: try row.decode("title"), position: try row.decode("position"),
                                lessons: byModule[moduleId] ?? [])
        }
        return CourseDetail(course: try Rows.course(row), prerequisites: prerequisites, cohorts: cohorts, modules: modules)
    }

    /// The course without its outline.
    func course(_ id: UUID) async throws -> Course? {
        try await database.queryFirst("SELECT \(Rows.course) FROM courses c WHERE c.id = \(id)").map(Rows.course)
    }

    /// Whether the user is a learner (active or completed) of the course.
    func isLearner(_ userId: UUID, of id: UUID) async throws -> Bool {
        try await LearnerStore.isLearner(userId, of: id, in: database)
    }

    static func cohorts(of course: UUID, in transaction: Transaction) async throws -> [Cohort] {
        try await transaction.query("""
            SELECT \(Rows.cohort) FROM cohorts WHERE course_id = \(course) ORDER BY starts_at, id
            """).map(Rows.cohort)
    }

    // MARK: Writing

    /// Creates a draft course owned by `instructorId`.
    func create(_ fields: CourseFields, instructorId: UUID) async throws -> CourseDetail {
        let id = UUIDv7.make()
        let course = try await database.transaction { transaction in
            let course = try Rows.course(try await transaction.queryFirst("""
                INSERT INTO courses AS c (id, instructor_id, title, subtitle, description, category, level, language, tags,
                                          price_amount, price_currency, capacity)
                VALUES (\(id), \(instructorId), \(fields.title), \(fields.subtitle), \(fields.description), \(fields.category),
                        \(fields.level.rawValue), \(fields.language), \(fields.tags), \(fields.price.amount),
                        \(fields.price.currency), \(fields.capacity))
                RETURNING \(Rows.course)
                """)!)
            try await outbox.publish("course.created", subject: Self.subject(id), data: CourseEvent(course: course, cohorts: []),
                                     in: transaction)
            return course
        }
        await cache.invalidate(course: id)
        // A new course has no prerequisites, cohorts or outline yet.
        return CourseDetail(course: course, prerequisites: [], cohorts: [], modules: [])
    }

    /// Replaces the course's editable fields (and, by an administrator, its instructor).
    func update(_ id: UUID, _ fields: CourseFields, instructorId: UUID?, by viewer: Viewer) async throws {
        try await change(id, by: viewer) { transaction, course in
            try EditRules.checkEditable(course)
            try await transaction.execute("""
                UPDATE courses SET title = \(fields.title), subtitle = \(fields.subtitle), description = \(fields.description),
                    category = \(fields.category), level = \(fields.level.rawValue), language = \(fields.language), tags = \(fields.tags),
                    price_amount = \(fields.price.amount), price_currency = \(fields.price.currency), capacity = \(fields.capacity),
                    instructor_id = \(instructorId ?? course.instructorId)
                WHERE id = \(id)
                """)
        }
    }

    /// Deletes a course that was never published and that no other course requires.
    func delete(_ id: UUID, by viewer: Viewer) async throws {
        try await change(id, by: viewer, event: nil) { transaction, course in
            try EditRules.checkDeletable(course)
            let requiredBy = try await transaction.query("""
                SELECT course_id FROM course_prerequisites WHERE required_course_id = \(id) ORDER BY course_id
                """).map { try $0.decode("course_id", as: UUID.self) }
            guard requiredBy.isEmpty else { throw CourseConflict.requiredBy(requiredBy) }
            let cohorts = try await Self.cohorts(of: id, in: transaction)
            try await transaction.execute("DELETE FROM courses WHERE id = \(id)")
            try await outbox.publish("course.deleted", subject: Self.subject(id), data: CourseEvent(course: course, cohorts: cohorts),
                                     in: transaction)
        }
    }

    /// Moves the course along its workflow. Who may make which move is `WorkflowAction`'s table:
    /// the course's instructor submits and archives; administrators make every move.
    func move(_ id: UUID, _ action: WorkflowAction, reason: String?, by viewer: Viewer) async throws {
        try await change(id, by: viewer, event: action.eventType) { transaction, course in
            guard viewer.isAdmin || action.instructorMay else {
                throw Problem.forbidden("only an administrator may \(action.rawValue) a course")
            }
            let lessons = try await transaction.queryFirst("SELECT count(*) AS n FROM lessons WHERE course_id = \(id)")!
            let status = try action.apply(to: course.status, lessonCount: try lessons.decode("n", as: Int.self))
            // The first publication is kept: it dates the course in the catalog and forbids deleting it.
            try await transaction.execute("""
                UPDATE courses SET status = \(status.rawValue), rejection_reason = \(action == .reject ? reason : nil),
                    published_at = CASE WHEN \(status == .published) THEN coalesce(published_at, now()) ELSE published_at END
                WHERE id = \(id)
                """)
        }
    }

    /// Makes a change to one course: locks it, refuses callers who may not see it (404) or
    /// change it (403), runs `body`, stamps `updatedAt`, publishes `event` with the course as it
    /// now is (a `nil` event leaves publishing to `body`), and after the commit retires the
    /// cached detail and catalog pages.
    @discardableResult
    func change<T>(
        _ id: UUID, by viewer: Viewer, event: String? = "course.updated",
        _ body: (Transaction, Course) async throws -> T
    ) async throws -> T {
        let result = try await database.transaction { transaction in
            let course = try await Self.lock(id, for: viewer, in: transaction)
            guard viewer.mayEdit(course) else {
                throw Problem.forbidden("only the course's instructor or an administrator may change it")
            }
            let result = try await body(transaction, course)
            if let event {
                let stamped = try await transaction.queryFirst("""
                    UPDATE courses AS c SET updated_at = now() WHERE c.id = \(id) RETURNING \(Rows.course)
                    """)!
                let cohorts = try await Self.cohorts(of: id, in: transaction)
                try await outbox.publish(event, subject: Self.subject(id), data: CourseEvent(course: try Rows.course(stamped), cohorts: cohorts),
                                         in: transaction)
            }
            return result
        }
        await cache.invalidate(course: id)
        return result
    }

    /// Locks the course for the rest of the transaction; 404 when it does not exist or the
    /// caller may not see it.
    static func lock(_ id: UUID, for viewer: Viewer, in transaction: Transaction) async throws -> Course {
        guard let row = try await transaction.queryFirst("SELECT \(Rows.course) FROM courses c WHERE c.id = \(id) FOR UPDATE") else {
            throw Problem.notFound("course", id: id)
        }
        let course = try Rows.course(row)
        guard viewer.maySee(course) else { throw Problem.notFound("course", id: id) }
        return course
    }

    static func subject(_ id: UUID) -> String { id.lowercasedText }
}
