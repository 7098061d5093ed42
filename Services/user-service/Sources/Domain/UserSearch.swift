/// What an administrator searches users by (`GET /users/search`): `text` in full text and with
/// typos tolerated, `namePattern` and `emailPattern` as LIKE patterns, a role.
struct UserSearch: Sendable {
    /// Lower-cased.
    var text: String?
    var namePattern: String?
    /// Lower-cased.
    var emailPattern: String?
    var role: String?

    static let roles = ["student", "instructor", "admin"]

    /// `%text%` for LIKE, with the user's own `%`, `_` and `\` matched literally.
    static func likePattern(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%\(escaped)%"
    }
}
