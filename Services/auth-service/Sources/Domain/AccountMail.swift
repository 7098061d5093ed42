import Foundation
import Mail
import Shared

/// The mail an account's owner gets: what each says, with its single-use link.
enum AccountMail {
    /// Sent on registering with an email not yet verified; the token works once, for 24 hours.
    static func verification(to account: Account, token: String, appURL: String) -> MailMessage {
        MailMessage(
            to: account.email, subject: "Verify your email address",
            text: """
                Welcome to Azora, \(account.name).

                Confirm your email address: \(appURL)/verify-email?token=\(token)

                Token: \(token)

                The link works once, for 24 hours.
                """)
    }

    /// Sent when someone asks to reset the password; the token works once, for an hour.
    static func passwordReset(to account: Account, token: String, appURL: String) -> MailMessage {
        MailMessage(
            to: account.email, subject: "Reset your Azora password",
            text: """
                Hello \(account.name),

                Someone asked to reset the password of your Azora account. To choose a new one:
                \(appURL)/reset-password?token=\(token)

                Token: \(token)

                The link works once, for one hour. If it was not you, ignore this email.
                """)
    }

    /// Sent when too many failed sign-ins lock the account.
    static func locked(_ account: Account, failures: Int, until: Date) -> MailMessage {
        MailMessage(
            to: account.email, subject: "Your Azora account was locked",
            text: """
                Hello \(account.name),

                There were \(failures) failed attempts to sign in to your Azora account, so it is locked \
                until \(Timestamp.format(until)) (UTC). If this was not you, consider changing your password \
                once the lock ends.
                """)
    }
}
