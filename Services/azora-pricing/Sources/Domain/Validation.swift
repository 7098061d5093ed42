import Shared

/// The formats the price book shares, with the messages that explain them.
enum Validation {
    /// The largest unit price: ten billion major units of a two-digit currency. Carts of up to
    /// 100 lines of up to 1000 units, even at a 10× strategy ceiling, stay far inside Int64.
    static let maxUnitAmount: Int64 = 1_000_000_000_000
    /// The largest total a quote may have: every JSON client reads integers up to 2^53 - 1 exactly.
    static let maxTotal: Int64 = (1 << 53) - 1

    static let countryHelp = "must be an ISO 3166-1 alpha-2 country code: two upper-case letters"
    static let slugHelp = "must be 1 to 64 lower-case letters, digits, '-' or '_'"

    static func isCountry(_ text: String) -> Bool {
        text.count == 2 && text.allSatisfy { $0.isASCII && $0.isUppercase }
    }

    static func isSlug(_ text: String) -> Bool {
        (1...64).contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "-_".contains($0)) }
    }
}
