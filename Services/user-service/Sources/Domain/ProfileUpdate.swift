import Foundation
import Shared

/// The editable part of a profile (`PUT /users/{id}`): fields left out keep their value.
struct ProfileUpdate: Decodable, Sendable {
    var name: String?
    var headline: String?
    var bio: String?
    var location: String?
    var website: String?
    /// Present only to be refused: the email is changed through auth-service, roles by an admin.
    var email: String?
    var roles: [String]?

    /// The update with text trimmed, or a 422 naming every field at fault.
    func validated() throws -> ProfileUpdate {
        var errors: [FieldError] = []
        var clean = self
        func check(_ value: String?, _ field: String, max: Int, allowEmpty: Bool = true) -> String? {
            guard let value else { return nil }
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if !allowEmpty && trimmed.isEmpty {
                errors.append(FieldError(field: field, message: "must not be empty"))
            } else if trimmed.count > max {
                errors.append(FieldError(field: field, message: "must be at most \(max) characters"))
            } else if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" }) {
                errors.append(FieldError(field: field, message: "must not contain control characters"))
            }
            return trimmed
        }
        clean.name = check(name, "name", max: 100, allowEmpty: false)
        clean.headline = check(headline, "headline", max: 120)
        clean.bio = check(bio, "bio", max: 2000)
        clean.location = check(location, "location", max: 100)
        clean.website = check(website, "website", max: 200)
        if let site = clean.website, !site.isEmpty {
            let url = URL(string: site)
            if !["http", "https"].contains(url?.scheme?.lowercased() ?? "") || url?.host == nil {
                errors.append(FieldError(field: "website", message: "must be an http(s) URL"))
            }
        }
        if email != nil { errors.append(FieldError(field: "email", message: "is changed through auth-service, not here")) }
        if roles != nil { errors.append(FieldError(field: "roles", message: "are granted with PUT /users/{id}/roles by an admin")) }
        guard errors.isEmpty else { throw Problem.invalid(errors) }
        return clean
    }
}
