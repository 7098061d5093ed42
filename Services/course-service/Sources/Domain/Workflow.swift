import Foundation

/// A move along draft → in review → published → archived, with who may make it and when.
///
/// | action  | from      | to        | who                         |
/// |---------|-----------|-----------|-----------------------------|
/// | submit  | draft     | in_review | the course's instructor, admins |
/// | publish | in_review | published | admins                      |
/// | reject  | in_review | draft     | admins, with a reason       |
/// | archive | published | archived  | the course's instructor, admins |
/// | restore | archived  | published | admins                      |
enum WorkflowAction: String, Sendable, CaseIterable {
    case submit, publish, reject, archive, restore

    var from: CourseStatus {
        switch self {
        case .submit: .draft
        case .publish, .reject: .inReview
        case .archive: .published
        case .restore: .archived
        }
    }

    var to: CourseStatus {
        switch self {
        case .submit: .inReview
        case .publish, .restore: .published
        case .reject: .draft
        case .archive: .archived
        }
    }

    /// Whether the course's own instructor may make the move (administrators always may).
    var instructorMay: Bool { self == .submit || self == .archive }

    /// Whether the course must have a lesson to arrive where the move leads.
    var needsLessons: Bool { self == .submit || self == .publish }

    /// The event the move publishes. A restored course is published again, and says so the
    /// same way.
    var eventType: String {
        switch self {
        case .submit: "course.submitted"
        case .publish, .restore: "course.published"
        case .reject: "course.rejected"
        case .archive: "course.archived"
        }
    }

    /// The status the course moves to.
    /// - Throws: `CourseConflict.invalidTransition` from the wrong status, `.noLessons` when a
    ///   course without lessons would be submitted or published.
    func apply(to status: CourseStatus, lessonCount: Int) throws(CourseConflict) -> CourseStatus {
        guard status == from else { throw .invalidTransition(self, from: status) }
        if needsLessons && lessonCount == 0 { throw .noLessons }
        return to
    }
}
