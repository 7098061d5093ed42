import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// Who may see and change what: a learner their own enrollments and waitlist entries; the
/// course's instructor the enrollments, queue and analytics of their course; administrators
/// and the fleet's services everything.
struct EnrollmentAccess: Sendable {
    let catalog: CourseCatalog

    /// The caller, who must be the learner, an administrator, a service, or the course's instructor.
    /// - Parameter known: the enrollment's course when the handler has read it already; otherwise
    ///   it is read only when the caller's right depends on it.
    @discardableResult
    func requireReader(of enrollment: Enrollment, course known: Course? = nil, _ context: AppRequestContext) async throws -> Principal {
        let principal = try context.requirePrincipal()
        if principal.isAdmin || principal.isService || principal.userId == enrollment.userId { return principal }
        if let userId = principal.userId {
            let course = if let known { known } else { try await catalog.find(enrollment.courseId) }
            if course?.instructorId == userId { return principal }
        }
        throw Problem.forbidden("only the learner, the course's instructor or an administrator may see this enrollment")
    }

    /// The caller, who must be the learner, an administrator or a service (reporting progress).
    @discardableResult
    func requireLearner(of enrollment: Enrollment, _ context: AppRequestContext) throws -> Principal {
        let principal = try context.requirePrincipal()
        guard principal.isAdmin || principal.isService || principal.userId == enrollment.userId else {
            throw Problem.forbidden("only the learner may record their progress")
        }
        return principal
    }

    /// Whether the caller runs the course: its instructor, an administrator or a service.
    static func isStaff(_ principal: Principal, of course: Course) -> Bool {
        principal.isAdmin || principal.isService || principal.userId == course.instructorId
    }

    /// The caller, who must run the course.
    @discardableResult
    static func requireStaff(of course: Course, _ context: AppRequestContext) throws -> Principal {
        let principal = try context.requirePrincipal()
        guard isStaff(principal, of: course) else {
            throw Problem.forbidden("only the course's instructor or an administrator may do this")
        }
        return principal
    }
}

extension Enrollment: ResponseEncodable {}
extension WaitlistEntry: ResponseEncodable {}
extension ProgressReport: ResponseEncodable {}
extension CourseReports.Timeline: ResponseEncodable {}
extension CourseReports.Funnel: ResponseEncodable {}
extension CourseReports.Completion: ResponseEncodable {}
extension CourseReports.DropOff: ResponseEncodable {}
extension CourseReports.Waitlist: ResponseEncodable {}

extension Response {
    /// A JSON answer with a status of its own, for handlers that answer different types.
    static func json(_ value: some Encodable, status: HTTPResponse.Status, request: Request, context: AppRequestContext) throws -> Response {
        var response = try context.responseEncoder.encode(value, from: request, context: context)
        response.status = status
        return response
    }
}
