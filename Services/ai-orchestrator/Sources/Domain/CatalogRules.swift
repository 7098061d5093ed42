import Foundation
import Shared

/// The rules shared by the catalog's orders.
enum CatalogRules {
    /// Names of providers, deployments and aliases: lower-case letters and digits, with `.`,
    /// `_`, `:`, `@` and `-` inside, up to 64 characters (`gpt-4o-mini@openai`, `tutor-default`).
    static func isSlug(_ text: String) -> Bool {
        guard (1...64).contains(text.count), let first = text.first, let last = text.last,
              isSlugAlphanumeric(first), isSlugAlphanumeric(last) else { return false }
        return text.allSatisfy { isSlugAlphanumeric($0) || "._:@-".contains($0) }
    }

    static let slugHelp = "must be 1 to 64 lower-case letters, digits and . _ : @ -, starting and ending with a letter or digit"

    /// An environment variable's name: `OPENAI_API_KEY`.
    static func isSettingName(_ text: String) -> Bool {
        guard (1...128).contains(text.count), let first = text.first, first.isASCII, first.isUppercase else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }
    }

    private static func isSlugAlphanumeric(_ character: Character) -> Bool {
        character.isASCII && (character.isLowercase || character.isNumber)
    }
}
