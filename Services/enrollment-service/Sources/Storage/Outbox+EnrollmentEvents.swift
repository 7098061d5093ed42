import Foundation
import Shared

extension Outbox {
    /// Records an `enrollment.<kind>` event about the enrollment in the transaction.
    func publish(_ kind: String, _ enrollment: Enrollment, lessonId: UUID? = nil, reason: String? = nil,
                 in transaction: Transaction) async throws {
        try await publish("enrollment.\(kind)", subject: enrollment.id.lowercasedText,
                          data: EnrollmentEvent(enrollment: enrollment, lessonId: lessonId, reason: reason), in: transaction)
    }

    /// Records a `waitlist.<kind>` event about the entry in the transaction.
    func publish(_ kind: String, _ entry: WaitlistEntry, reason: String? = nil, in transaction: Transaction) async throws {
        try await publish("waitlist.\(kind)", subject: entry.id.lowercasedText,
                          data: WaitlistEvent(entry: entry, reason: reason), in: transaction)
    }
}
