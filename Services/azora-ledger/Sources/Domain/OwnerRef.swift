import Foundation
import Shared

/// Who an account belongs to: `user:<uuid>`, `course:<uuid>`, `organisation:<uuid>`, or
/// `platform` (optionally `platform:<purpose>`, such as `platform:fees`).
enum OwnerRef {
    static let kinds = ["user", "course", "organisation"]

    /// Whether the text is a well-formed owner reference.
    static func isValid(_ text: String) -> Bool {
        if text == "platform" { return true }
        guard let colon = text.firstIndex(of: ":") else { return false }
        let kind = String(text[..<colon])
        let rest = String(text[text.index(after: colon)...])
        if kind == "platform" {
            return (1...64).contains(rest.count) && rest.allSatisfy { $0.isLetter || $0.isNumber || "_-.".contains($0) }
        }
        return kinds.contains(kind) && UUID(uuidString: rest) != nil
    }

    /// The reference naming a user.
    static func user(_ id: UUID) -> String { "user:\(id.lowercasedText)" }

    /// The canonical spelling (lower-case UUIDs), so that lookups by owner match.
    static func normalized(_ text: String) -> String { text.lowercased() }
}
