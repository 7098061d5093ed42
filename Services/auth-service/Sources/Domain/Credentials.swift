import Foundation
import Shared

/// The rules for what may be registered.
enum Credentials {
    /// The email trimmed, if it looks like an address (one `@`, a dotted domain, no spaces, ≤ 254).
    static func email(_ raw: String) throws -> String {
        let email = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !email.unicodeScalars.contains(where: { CharacterSet.whitespacesAndNewlines.contains($0) || $0 == "<" || $0 == ">" })
        else {
            throw Problem.invalid("email", "must be an email address such as ada@example.com")
        }
        return email
    }

    /// Refuses a password under 12 characters, over 1024, or on the common-password list.
    static func checkPassword(_ password: String, field: String = "password") throws {
        guard password.count >= 12 else { throw Problem.invalid(field, "must be at least 12 characters long") }
        guard password.utf8.count <= 1024 else { throw Problem.invalid(field, "must be at most 1024 bytes long") }
        guard !CommonPasswords.all.contains(password.lowercased()), Set(password).count > 2 else {
            throw Problem.invalid(field, "is too common; choose a passphrase nobody else would")
        }
    }

    static func name(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count) else { throw Problem.invalid("name", "must be 1 to 100 characters") }
        return name
    }
}
