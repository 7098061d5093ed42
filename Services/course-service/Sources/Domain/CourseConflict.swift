import Foundation
import HTTPTypes
import Shared

/// The course rules a request ran into, each a 409 with its own slug.
enum CourseConflict: ProblemError, Equatable {
    case invalidTransition(WorkflowAction, from: CourseStatus)
    case noLessons
    case archived
    case contentLocked(String)
    case wasPublished
    case requiredBy([UUID])
    case prerequisiteCycle([UUID])
    case alreadyReviewed(UUID)

    var status: HTTPResponse.Status { .conflict }

    var code: String {
        switch self {
        case .invalidTransition: "invalid_transition"
        case .noLessons: "course_has_no_lessons"
        case .archived: "course_archived"
        case .contentLocked: "published_content_locked"
        case .wasPublished: "course_was_published"
        case .requiredBy: "course_is_prerequisite"
        case .prerequisiteCycle: "prerequisite_cycle"
        case .alreadyReviewed: "already_reviewed"
        }
    }

    var detail: String {
        switch self {
        case .invalidTransition(let action, let status):
            "a course that is \(status.rawValue) cannot be sent to \(action.rawValue); \(action.rawValue) needs a course that is \(action.from.rawValue)"
        case .noLessons:
            "a course without lessons cannot be submitted or published; add a lesson first"
        case .archived:
            "the course is archived and cannot be changed; an administrator can restore it"
        case .contentLocked(let what):
            "the course has been published, so its \(what) can be changed but not deleted (learners may hold progress in it)"
        case .wasPublished:
            "a course that has been published cannot be deleted; archive it instead"
        case .requiredBy(let courses):
            "other courses require this one (\(courses.map { $0.lowercasedText }.joined(separator: ", "))); remove it from their prerequisites first"
        case .prerequisiteCycle(let cycle):
            "these prerequisites would make a cycle: \(cycle.map { $0.lowercasedText }.joined(separator: " → "))"
        case .alreadyReviewed:
            "you have reviewed this course already; edit your review instead"
        }
    }

    var extensions: [String: JSONValue] {
        switch self {
        case .prerequisiteCycle(let cycle): ["cycle": .array(cycle.map { .string($0.lowercasedText) })]
        case .alreadyReviewed(let id): ["reviewId": .string(id.lowercasedText)]
        case .requiredBy(let courses): ["requiredBy": .array(courses.map { .string($0.lowercasedText) })]
        default: [:]
        }
    }
}
