import Foundation
import Hummingbird
import Shared

/// `GET /ai-orchestrator/classifications`: how classified queries were judged, newest first,
/// optionally of one user or task class.
struct ClassificationRoutes: Sendable {
    let classifications: ClassificationLog

    func add(to group: RouterGroup<AppRequestContext>) {
        group.get("classifications") { request, _ in
            let page = try PageRequest(request, defaultLimit: 50, maxLimit: 500)
            let taskClass = request.query("taskClass")
            if let taskClass, !QueryClassifier.taskClasses.contains(taskClass) {
                throw Problem.invalid("taskClass", "must be one of \(QueryClassifier.taskClasses.joined(separator: ", "))")
            }
            let entries = try await classifications.list(userId: try request.queryUUID("userId"), taskClass: taskClass,
                                                         after: try page.decodeCursor(ClassificationLog.Cursor.self), limit: page.limit)
            return Page(items: entries, limit: page.limit) { ClassificationLog.Cursor(classifiedAt: $0.classifiedAt, id: $0.id) }
        }
    }
}

extension ClassificationLog.Entry: ResponseEncodable {}
