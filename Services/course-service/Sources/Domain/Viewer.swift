import Foundation
import Shared

/// Who is asking, as the course rules see them: anonymous callers and learners see published
/// courses; a course's instructor and administrators see and change it in every status; the
/// fleet's services read everything and change nothing.
struct Viewer: Sendable, Equatable {
    let userId: UUID?
    let isAdmin: Bool
    let isService: Bool
    let isInstructor: Bool

    static let anonymous = Viewer(userId: nil, isAdmin: false, isService: false, isInstructor: false)

    /// Whether the caller reads courses in every status.
    var seesEverything: Bool { isAdmin || isService }

    func owns(_ course: Course) -> Bool { userId != nil && userId == course.instructorId }

    func maySee(_ course: Course) -> Bool {
        course.status == .published || seesEverything || owns(course)
    }

    func mayEdit(_ course: Course) -> Bool {
        isAdmin || (isInstructor && owns(course))
    }
}

extension Viewer {
    init(_ principal: Principal?) {
        guard let principal else {
            self = .anonymous
            return
        }
        self.init(userId: principal.userId, isAdmin: principal.isAdmin, isService: principal.isService,
                  isInstructor: principal.has(.instructor))
    }
}
