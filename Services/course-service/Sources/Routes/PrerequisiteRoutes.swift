import Foundation
import Hummingbird
import Shared

/// `PUT /courses/{id}/prerequisites`: the courses a learner must have completed first (read
/// them in the course document's `prerequisites`).
struct PrerequisiteRoutes: Sendable {
    let prerequisites: PrerequisiteStore

    /// `{"courseIds": [...]}`, in the order given.
    struct Prerequisites: ResponseEncodable, Sendable {
        let courseIds: [UUID]
    }

    func add(to group: RouterGroup<AppRequestContext>) {
        group.put("/courses/:id/prerequisites") { request, context in
            let id = try context.uuid("id")
            let order = try await request.decode(as: PrerequisiteOrder.self, context: context)
            let problems = order.problems(for: id)
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            try await prerequisites.set(order.courseIds, for: id, by: context.viewer)
            // Stored in the order given, so the list written is the list the course now has.
            return Prerequisites(courseIds: order.courseIds)
        }
    }
}
