import Foundation
import Shared

/// The formats course-service shares, with the messages that explain them.
enum Validation {
    /// The largest price: ten billion major units of a two-digit currency.
    static let maxAmount: Int64 = 1_000_000_000_000
    /// The largest seat limit of a course or cohort.
    static let maxCapacity = 1_000_000

    static let slugHelp = "must be 1 to 64 lower-case letters, digits, '-' or '_'"
    static let languageHelp = "must be a language tag such as en, pt or pt-BR"

    static func isSlug(_ text: String) -> Bool {
        (1...64).contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "-_".contains($0)) }
    }

    /// A BCP 47 primary language (two or three lower-case letters) with an optional region.
    static func isLanguage(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard let language = parts.first, (2...3).contains(language.count),
              language.allSatisfy({ $0.isASCII && $0.isLowercase }) else { return false }
        switch parts.count {
        case 1: return true
        case 2: return parts[1].count == 2 && parts[1].allSatisfy { $0.isASCII && $0.isUppercase }
        default: return false
        }
    }

    /// Text of `range` characters once surrounding blanks are removed.
    static func hasLength(_ text: String, _ range: ClosedRange<Int>) -> Bool {
        range.contains(text.trimmingCharacters(in: .whitespacesAndNewlines).count)
    }

    /// An absolute `http` or `https` URL with a host.
    static func isWebURL(_ text: String) -> Bool {
        guard text.count <= 2_000, let url = URL(string: text), let scheme = url.scheme?.lowercased() else { return false }
        return (scheme == "http" || scheme == "https") && !(url.host ?? "").isEmpty
    }

    /// A capacity of 1 to `maxCapacity` seats, or none.
    static func capacityProblems(_ capacity: Int64?, field: String) -> [FieldError] {
        guard let capacity, !(1...Int64(maxCapacity)).contains(capacity) else { return [] }
        return [FieldError(field: field, message: "must be a whole number of seats from 1 to \(maxCapacity), or null for no limit")]
    }
}
