import Foundation
import Hummingbird
import Shared

/// `/enrollments`: enrolling, reading, changing, cancelling and completing.
struct EnrollmentRoutes: Sendable {
    let catalog: CourseCatalog
    let store: EnrollmentStore
    let registrar: Registrar
    let changes: EnrollmentChanges
    let progress: ProgressBook
    let access: EnrollmentAccess
    let clock: FleetClock

    func add(to group: RouterGroup<AppRequestContext>) {
        group.post("/enrollments") { request, context -> Response in
            let order = try await request.decode(as: EnrollmentOrder.self, context: context)
            let learner = try Self.learner(named: order.userId, context)
            let course = try await catalog.require(order.courseId, field: "courseId")
            switch try await registrar.enroll(userId: learner, in: course, cohortId: order.cohortId, now: clock.now()) {
            case .enrolled(let enrollment):
                return try .json(enrollment, status: .created, request: request, context: context)
            case .waitlisted(let entry, _):
                return try .json(entry, status: .accepted, request: request, context: context)
            }
        }

        group.get("/enrollments") { request, context in
            let page = try PageRequest(request, defaultLimit: 50, maxLimit: 200)
            let filter = try await listFilter(request, context)
            let listed = try await store.list(filter, before: try page.decodeCursor(UUID.self), limit: page.limit)
            return Page(items: listed, limit: page.limit) { $0.id }
        }

        group.get("/enrollments/:id") { _, context in
            let enrollment = try await store.require(try context.parameters.require("id", as: UUID.self))
            try await access.requireReader(of: enrollment, context)
            return enrollment
        }

        group.put("/enrollments/:id") { request, context in
            let enrollment = try await store.require(try context.parameters.require("id", as: UUID.self))
            let update = try await request.decode(as: EnrollmentUpdate.self, context: context)
            let principal = try context.requireOwnerOrAdmin(enrollment.userId)
            if update.accessExpiresAt != nil, !(principal.isAdmin || principal.isService) {
                throw Problem.forbidden("only an administrator may set when access ends")
            }
            guard update.cohortId != nil || update.accessExpiresAt != nil else {
                throw Problem.invalid("body", "give cohortId (move to another cohort) or accessExpiresAt")
            }
            var course: Course?
            if let cohortId = update.cohortId {
                let current = try await catalog.require(enrollment.courseId)
                _ = try EnrollmentPolicy.cohort(cohortId, of: current, now: clock.now())
                course = current
            }
            return try await changes.change(enrollment, .init(cohortId: update.cohortId, accessExpiresAt: update.accessExpiresAt),
                                            course: course, now: clock.now())
        }

        group.delete("/enrollments/:id") { _, context in
            let enrollment = try await store.require(try context.parameters.require("id", as: UUID.self))
            _ = try context.requireOwnerOrAdmin(enrollment.userId)
            return try await changes.cancel(enrollment, now: clock.now())
        }

        group.post("/enrollments/:id/complete") { _, context in
            let enrollment = try await store.require(try context.parameters.require("id", as: UUID.self))
            let principal = try context.requirePrincipal()
            let course = try await catalog.require(enrollment.courseId)
            let staff = EnrollmentAccess.isStaff(principal, of: course)
            guard staff || principal.userId == enrollment.userId else {
                throw Problem.forbidden("only the learner, the course's instructor or an administrator may complete an enrollment")
            }
            // The course's staff may complete it before every lesson is done; the learner may not.
            return try await progress.complete(enrollment.id, course: course, force: staff, by: staff ? principal.subject : "learner",
                                               now: clock.now())
        }
    }

    /// The learner an enrollment is for: the caller, or for administrators and services the
    /// `userId` they name.
    private static func learner(named userId: UUID?, _ context: AppRequestContext) throws -> UUID {
        let principal = try context.requirePrincipal()
        if principal.isAdmin || principal.isService, let userId { return userId }
        guard let caller = principal.userId else { throw Problem.invalid("userId", "is required when a service enrolls a learner") }
        if let userId, userId != caller { throw Problem.forbidden("only an administrator or a service may enroll someone else") }
        return caller
    }

    /// A learner lists their own; the course's instructor the course's (`courseId`);
    /// administrators and services anything.
    private func listFilter(_ request: Request, _ context: AppRequestContext) async throws -> EnrollmentStore.Filter {
        let principal = try context.requirePrincipal()
        var filter = EnrollmentStore.Filter(userId: try request.queryUUID("userId"), courseId: try request.queryUUID("courseId"),
                                            status: try request.queryEnum("status", as: EnrollmentStatus.self))
        if principal.isAdmin || principal.isService { return filter }
        guard let caller = principal.userId else { throw Problem.forbidden() }
        if filter.userId == caller { return filter }
        if let courseId = filter.courseId, let course = try await catalog.find(courseId), course.instructorId == caller { return filter }
        if filter.userId != nil { throw Problem.forbidden("you may list only your own enrollments, or those of a course you teach") }
        filter.userId = caller
        return filter
    }
}

/// `POST /enrollments`.
struct EnrollmentOrder: Decodable, Sendable {
    let courseId: UUID
    let cohortId: UUID?
    /// For administrators and services enrolling someone else.
    let userId: UUID?
}

/// `PUT /enrollments/{id}`: either or both fields.
struct EnrollmentUpdate: Decodable, Sendable {
    /// Move to this cohort of the same course.
    let cohortId: UUID?
    /// Set when access ends; `null` clears it (administrators only).
    let accessExpiresAt: Date??

    private enum CodingKeys: String, CodingKey { case cohortId, accessExpiresAt }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cohortId = try container.decodeIfPresent(UUID.self, forKey: .cohortId)
        accessExpiresAt = container.contains(.accessExpiresAt) ? .some(try container.decodeIfPresent(Date.self, forKey: .accessExpiresAt)) : nil
    }
}
