import Foundation
import Hummingbird
import Shared

/// Courses: the catalog, the course document, and creating, editing and deleting courses.
/// Reading published courses needs no token; a token, when sent, lets a course's instructor
/// and administrators read drafts too.
struct CourseRoutes: Sendable {
    let courses: CourseStore
    let catalog: CatalogStore

    var cache: CourseCache { courses.cache }

    func add(to router: Router<AppRequestContext>, signedIn group: RouterGroup<AppRequestContext>) {
        router.get("/courses") { request, context in
            try await list(request, viewer: context.viewer)
        }

        router.get("/courses/:id") { _, context in
            try await detail(try context.uuid("id"), viewer: context.viewer)
        }

        group.post("/courses") { request, context in
            let principal = try context.requireRole(.instructor, .admin)
            guard let userId = principal.userId else { throw Problem.forbidden("courses are created by instructors and administrators") }
            let order = try await request.decode(as: CourseOrder.self, context: context)
            let problems = order.problems()
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            if let instructorId = order.instructorId, instructorId != userId, !principal.isAdmin {
                throw Problem.forbidden("only an administrator may create a course for another instructor")
            }
            let detail = try await courses.create(order.fields, instructorId: order.instructorId ?? userId)
            return EditedResponse(status: .created, response: try JSONDocument(detail))
        }

        group.put("/courses/:id") { request, context in
            let id = try context.uuid("id")
            let viewer = context.viewer
            let order = try await request.decode(as: CourseOrder.self, context: context)
            let problems = order.problems()
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            if let instructorId = order.instructorId, instructorId != viewer.userId, !viewer.isAdmin {
                throw Problem.forbidden("only an administrator may give a course to another instructor")
            }
            try await courses.update(id, order.fields, instructorId: viewer.isAdmin ? order.instructorId : nil, by: viewer)
            return try await current(id)
        }

        group.delete("/courses/:id") { _, context in
            try await courses.delete(try context.uuid("id"), by: context.viewer)
            return HTTPResponse.Status.noContent
        }
    }

    /// `GET /courses`. Pages of published courses are the same for every caller, so they are
    /// cached whoever asks; lists of other statuses are read fresh.
    func list(_ request: Request, viewer: Viewer) async throws -> JSONDocument {
        let query = try CatalogQuery(request, viewer: viewer)
        var slot: CourseCache.Slot?
        if query.filter.status == .published {
            switch await cache.catalog(query.canonical) {
            case .hit(let text): return JSONDocument(text: text)
            case .miss(let missed): slot = missed
            }
        }
        let (items, next) = try await catalog.page(query)
        let cursor = try next.map { try JSONCoding.makeEncoder().encode($0).base64URLEncodedString() }
        let document = try JSONDocument(Page(items: items, nextCursor: cursor))
        if query.filter.status == .published { await cache.fill(slot, with: document.text) }
        return document
    }

    /// `GET /courses/{id}`. A published course's document is the same for every caller, so it
    /// is served from the cache; administrators and services always read it fresh, and other
    /// statuses are never cached.
    func detail(_ id: UUID, viewer: Viewer) async throws -> JSONDocument {
        var slot: CourseCache.Slot?
        if !viewer.seesEverything {
            switch await cache.detail(id) {
            case .hit(let text): return JSONDocument(text: text)
            case .miss(let missed): slot = missed
            }
        }
        guard let detail = try await courses.detail(id), viewer.maySee(detail.course) else { throw Problem.notFound("course", id: id) }
        let document = try JSONDocument(detail)
        if !viewer.seesEverything && detail.course.status == .published { await cache.fill(slot, with: document.text) }
        return document
    }

    /// The course document after a change.
    func current(_ id: UUID) async throws -> JSONDocument {
        guard let detail = try await courses.detail(id) else { throw Problem.notFound("course", id: id) }
        return try JSONDocument(detail)
    }
}
