import Foundation
import Logging
import Mail
import ServiceLifecycle
import Shared

/// Sends queued mail. Several replicas may run it: each job is claimed with SKIP LOCKED.
struct MailSender: Service {
    let database: Database
    let mailer: any Mailer
    let wakeup: WakeupSignal
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    while try await sendOne() {}
                } catch {
                    logger.warning("mail queue unavailable", metadata: ["error": "\(error)"])
                }
                await wakeup.wait(upTo: .seconds(2))
            }
        }
    }

    /// Sends the oldest due job; false when none is due.
    private func sendOne() async throws -> Bool {
        try await database.transaction { transaction in
            guard let row = try await transaction.queryFirst("""
                SELECT id, recipient, subject, body, attempts FROM mail_jobs
                WHERE sent_at IS NULL AND next_attempt_at <= now()
                ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED
                """) else { return false }
            let (id, recipient, subject, body, attempts) = try row.decode(UUID.self, String.self, String.self, String.self, Int.self)
            do {
                try await mailer.send(MailMessage(to: recipient, subject: subject, text: body))
                try await transaction.execute("UPDATE mail_jobs SET sent_at = now(), attempts = attempts + 1 WHERE id = \(id)")
            } catch {
                // Backoff doubling from 5 s to an hour; the job is never dropped.
                let delay = min(3600, 5 << min(attempts, 10))
                logger.warning("mail not accepted; will retry", metadata: ["error": "\(error)", "retryInSeconds": "\(delay)"])
                try await transaction.execute("""
                    UPDATE mail_jobs SET attempts = attempts + 1, last_error = \(String(describing: error)),
                        next_attempt_at = now() + make_interval(secs => \(delay)) WHERE id = \(id)
                    """)
            }
            return true
        }
    }
}
