import Foundation
import Hummingbird
import Shared

/// The status workflow: `POST /courses/{id}/submit|publish|reject|archive|restore`, each
/// answering the course as it now is.
struct WorkflowRoutes: Sendable {
    let courses: CourseRoutes

    /// `POST /courses/{id}/reject`: why the course goes back to its instructor.
    struct Rejection: Decodable {
        let reason: String
    }

    func add(to group: RouterGroup<AppRequestContext>) {
        for action in WorkflowAction.allCases {
            group.post("/courses/:id/\(action.rawValue)") { request, context in
                let id = try context.uuid("id")
                var reason: String?
                if action == .reject {
                    let rejection = try await request.decode(as: Rejection.self, context: context)
                    guard Validation.hasLength(rejection.reason, 1...2_000) else { throw Problem.invalid("reason", "must be 1 to 2000 characters") }
                    reason = rejection.reason.trimmingCharacters(in: .whitespacesAndNewlines)
                }
                try await courses.courses.move(id, action, reason: reason, by: context.viewer)
                return try await courses.current(id)
            }
        }
    }
}
