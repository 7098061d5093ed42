import Foundation

/// What a completed enrollment tells the certificate book, in the completing transaction.
struct CompletedEnrollment: Sendable {
    let enrollmentId: UUID
    let userId: UUID
    let courseId: UUID
    let courseTitle: String
    let completedAt: Date
}
