import Foundation
import Hummingbird
import Shared

/// How a user wants the platform to behave for them.
struct Preferences: ResponseCodable, Sendable {
    var language: String
    var timezone: String
    var theme: String
    var emailNotifications: Bool
    var marketingEmails: Bool
    var weeklyDigest: Bool

    static let themes = ["light", "dark", "system"]
    static let columns: SQL = "language, timezone, theme, email_notifications, marketing_emails, weekly_digest"

    init(row: PostgresRow) throws {
        language = try row.decode("language")
        timezone = try row.decode("timezone")
        theme = try row.decode("theme")
        emailNotifications = try row.decode("email_notifications")
        marketingEmails = try row.decode("marketing_emails")
        weeklyDigest = try row.decode("weekly_digest")
    }

    /// A change to preferences (`PUT /users/{id}/preferences`): fields left out keep their value.
    struct Change: Decodable, Sendable {
        var language: String?
        var timezone: String?
        var theme: String?
        var emailNotifications: Bool?
        var marketingEmails: Bool?
        var weeklyDigest: Bool?

        func validate() throws {
            var errors: [FieldError] = []
            if let language, language.wholeMatch(of: /[a-z]{2,3}(-[A-Za-z0-9]{2,8})*/) == nil {
                errors.append(FieldError(field: "language", message: "must be a BCP 47 language tag such as en or pt-BR"))
            }
            if let timezone, TimeZone(identifier: timezone) == nil {
                errors.append(FieldError(field: "timezone", message: "must be an IANA time zone such as Europe/Lisbon"))
            }
            if let theme, !Preferences.themes.contains(theme) {
                errors.append(FieldError(field: "theme", message: "must be one of \(Preferences.themes.joined(separator: ", "))"))
            }
            guard errors.isEmpty else { throw Problem.invalid(errors) }
        }

        func applied(to current: Preferences) -> Preferences {
            var next = current
            next.language = language ?? current.language
            next.timezone = timezone ?? current.timezone
            next.theme = theme ?? current.theme
            next.emailNotifications = emailNotifications ?? current.emailNotifications
            next.marketingEmails = marketingEmails ?? current.marketingEmails
            next.weeklyDigest = weeklyDigest ?? current.weeklyDigest
            return next
        }
    }
}
