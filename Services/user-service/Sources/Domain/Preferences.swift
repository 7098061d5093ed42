import Foundation
import Shared

/// How a user wants the platform to behave for them.
struct Preferences: Codable, Sendable {
    var language: String
    var timezone: String
    var theme: String
    var emailNotifications: Bool
    var marketingEmails: Bool
    var weeklyDigest: Bool

    static let themes = ["light", "dark", "system"]

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
