import Foundation
import Hummingbird
import Shared

/// Cohorts: listed with the course; changed by its instructor and administrators.
struct CohortRoutes: Sendable {
    let courses: CourseStore
    let cohorts: CohortStore

    func add(to router: Router<AppRequestContext>, signedIn group: RouterGroup<AppRequestContext>) {
        router.get("/courses/:id/cohorts") { _, context in
            let id = try context.uuid("id")
            guard let detail = try await courses.detail(id), context.viewer.maySee(detail.course) else { throw Problem.notFound("course", id: id) }
            return Listing(items: detail.cohorts)
        }

        group.post("/courses/:id/cohorts") { request, context in
            let order = try await request.decode(as: CohortOrder.self, context: context)
            let problems = order.problems()
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            let cohort = try await cohorts.add(to: try context.uuid("id"), order, by: context.viewer)
            return EditedResponse(status: .created, response: cohort)
        }

        group.put("/courses/:id/cohorts/:cohortId") { request, context in
            let order = try await request.decode(as: CohortOrder.self, context: context)
            let problems = order.problems()
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            return try await cohorts.update(try context.uuid("cohortId"), of: try context.uuid("id"), order, by: context.viewer)
        }

        group.delete("/courses/:id/cohorts/:cohortId") { _, context in
            try await cohorts.delete(try context.uuid("cohortId"), of: try context.uuid("id"), by: context.viewer)
            return HTTPResponse.Status.noContent
        }
    }
}
