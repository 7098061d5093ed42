import Foundation
import Shared

/// One outgoing email: plain text, optionally with an HTML alternative.
public struct MailMessage: Sendable, Equatable {
    public var to: String
    public var subject: String
    public var text: String
    public var html: String?

    public init(to: String, subject: String, text: String, html: String? = nil) {
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
    }
}

/// Sends mail. The SMTP mailer in production; in the local stack, a folder of .eml files.
public protocol Mailer: Sendable {
    /// Hands the message over for delivery; throws when it was not accepted.
    func send(_ message: MailMessage) async throws
}
