import Foundation
import Logging
import Mail
import ServiceLifecycle
import Shared

/// Mail that must not be lost: queued in the same transaction as the change that asks for it,
/// sent by `MailSender` afterwards, and retried with backoff while the mail server refuses.
struct MailQueue: Sendable {
    let wakeup: WakeupSignal

    func enqueue(_ message: MailMessage, in transaction: Transaction) async throws {
        try await transaction.execute("""
            INSERT INTO mail_jobs (id, recipient, subject, body)
            VALUES (\(UUIDv7.make()), \(message.to), \(message.subject), \(message.text))
            """)
        let wakeup = wakeup
        transaction.afterCommit { wakeup.signal() }
    }
}
