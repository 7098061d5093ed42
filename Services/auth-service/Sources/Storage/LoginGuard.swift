import Foundation
import Logging
import Mail
import Shared

/// Slows down and then stops password guessing (OWASP ASVS 2.2.1): per account, consecutive
/// failures add a growing delay and at the threshold lock the account for a while, and the owner
/// is told by email; per client address, failures in the last hour are capped.
struct LoginGuard: Sendable {
    let settings: AuthSettings
    let database: Database
    let redis: RedisClient
    let outbox: Outbox
    let mail: MailQueue
    let logger: Logger

    /// Refuses an address that has failed too often this hour. Without Redis the per-address cap
    /// lapses (logged), while the per-account lockout in PostgreSQL still holds.
    func checkAddress(_ ip: String?) async throws {
        guard let ip else { return }
        do {
            let count = try await redis.send("GET", redis.key("auth:failures:\(ip)")).int ?? 0
            if count >= settings.ipFailureLimit { throw AuthProblem.tooManyFailuresFromAddress() }
        } catch let error as RedisError {
            logger.warning("per-address login limits unavailable", metadata: ["error": "\(error)"])
        }
    }

    /// The lock still in force on an account, if any.
    func checkAccount(_ account: Account) throws {
        if let until = account.lockedUntil, until > Date() { throw AuthProblem.accountLocked(until: until) }
    }

    /// Records a failed attempt and waits the growing delay before the refusal is answered.
    func recordFailure(account: Account?, ip: String?) async throws {
        if let ip {
            let key = redis.key("auth:failures:\(ip)")
            _ = try? await redis.pipeline([["INCR", key], ["EXPIRE", key, "3600", "NX"]])
        }
        guard let account else { return }
        let failures: Int = try await database.transaction { transaction in
            guard let row = try await transaction.queryFirst("""
                UPDATE users SET failed_logins = failed_logins + 1 WHERE id = \(account.id) RETURNING failed_logins
                """) else { return 0 }
            let failures: Int = try row.decode(at: 0)
            if failures >= settings.lockoutThreshold {
                let until = Date().addingTimeInterval(TimeInterval(settings.lockoutSeconds))
                try await transaction.execute("UPDATE users SET failed_logins = 0, locked_until = \(until) WHERE id = \(account.id)")
                try await outbox.publish("user.locked", subject: account.id.lowercasedText,
                                         data: AccountEvents.Locked(userId: account.id, until: until), in: transaction)
                try await mail.enqueue(AccountMail.locked(account, failures: failures, until: until), in: transaction)
            }
            return failures
        }
        if settings.loginDelays, failures > 2 {
            try await Task.sleep(for: .milliseconds(min(4000, 250 << min(failures - 3, 4))))
        }
    }

    /// A successful sign-in clears the account's failure count.
    func recordSuccess(_ account: Account) async throws {
        guard account.failedLogins > 0 || account.lockedUntil != nil else { return }
        try await database.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = \(account.id)")
    }
}
