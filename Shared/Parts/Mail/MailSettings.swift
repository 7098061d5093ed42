import Foundation
import Logging
import Shared

/// How a service sends mail: by SMTP when `SMTP_URL` is set, else into the local mail drop folder.
public struct MailSettings: Sendable {
    /// `smtp://[user:password@]host:port`; `nil` means the local mail drop.
    public let smtpURL: URL?
    /// The sender, e.g. `Azora <no-reply@azora.example>` (`MAIL_FROM`).
    public let from: String
    /// Where the local mail drop writes .eml files (`MAIL_DROP_FOLDER`).
    public let dropFolder: URL

    public init(settings: Settings) throws(SettingsError) {
        smtpURL = settings.raw("SMTP_URL", secret: true) == nil
            ? nil : try settings.url("SMTP_URL", default: "", schemes: ["smtp"])
        from = settings.string("MAIL_FROM", default: "Azora <no-reply@azora.local>")
        dropFolder = URL(fileURLWithPath: settings.string("MAIL_DROP_FOLDER", default: ".local/mail"))
    }
}

extension ServiceRuntime {
    /// The mailer the settings choose.
    /// - Throws: `SettingsError` for a malformed `SMTP_URL`.
    public func mailer() throws -> any Mailer {
        let mail = try MailSettings(settings: settings)
        if let url = mail.smtpURL {
            return try SMTPMailer(url: url, from: mail.from, logger: logger)
        }
        logger.notice("no SMTP_URL: mail goes to the local mail drop", metadata: ["folder": "\(mail.dropFolder.path)"])
        return MailDropFolder(folder: mail.dropFolder, from: mail.from, logger: logger)
    }
}
