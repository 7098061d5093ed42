import Foundation
import Hummingbird
import Shared

/// Reviews: public to read with the course; written by its learners, one each.
struct ReviewRoutes: Sendable {
    let courses: CourseStore
    let reviews: ReviewStore

    func add(to router: Router<AppRequestContext>, signedIn group: RouterGroup<AppRequestContext>) {
        router.get("/courses/:id/reviews") { request, context in
            let id = try context.uuid("id")
            guard let course = try await courses.course(id), context.viewer.maySee(course) else { throw Problem.notFound("course", id: id) }
            let page = try PageRequest(request, defaultLimit: 20, maxLimit: 100)
            let listed = try await reviews.list(of: course.id, before: try page.decodeCursor(UUID.self), limit: page.limit)
            return Page(items: listed, limit: page.limit) { $0.id }
        }

        group.post("/courses/:id/reviews") { request, context in
            let (_, userId) = try context.requireUser()
            let order = try await request.decode(as: ReviewOrder.self, context: context)
            let problems = order.problems()
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            let review = try await reviews.create(on: try context.uuid("id"), by: context.viewer, userId: userId, order)
            return EditedResponse(status: .created, response: review)
        }

        group.put("/courses/:id/reviews/:reviewId") { request, context in
            _ = try context.requireUser()
            let order = try await request.decode(as: ReviewOrder.self, context: context)
            let problems = order.problems()
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            return try await reviews.update(try context.uuid("reviewId"), on: try context.uuid("id"), by: context.viewer, order)
        }

        group.delete("/courses/:id/reviews/:reviewId") { _, context in
            try await reviews.delete(try context.uuid("reviewId"), on: try context.uuid("id"), by: context.viewer)
            return HTTPResponse.Status.noContent
        }
    }
}
