/// What can be sold, named `<kind>:<id>`: `course:4f0c…`, `bundle:data-science`, `tier:pro`.
struct ProductRef: Hashable, Sendable, Comparable, CustomStringConvertible {
    enum Kind: String, Sendable, CaseIterable {
        case course, bundle, tier
    }

    let kind: Kind
    let id: String
    /// `<kind>:<id>`, made once: carts compare and print references many times per quote.
    let description: String

    /// Parses a reference; `nil` unless it is a known kind and an id of 1 to 100 letters,
    /// digits, '-', '_' or '.'.
    init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":"), let kind = Kind(rawValue: String(text[..<colon])) else { return nil }
        let id = text[text.index(after: colon)...]
        guard (1...100).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else { return nil }
        self.kind = kind
        self.id = id.lowercased()
        description = "\(kind.rawValue):\(self.id)"
    }

    static func == (lhs: ProductRef, rhs: ProductRef) -> Bool { lhs.description == rhs.description }

    func hash(into hasher: inout Hasher) { hasher.combine(description) }

    static func < (lhs: ProductRef, rhs: ProductRef) -> Bool { lhs.description < rhs.description }

    static let formatHelp = "must be course:<id>, bundle:<id> or tier:<id>, the id 1 to 100 letters, digits, '-', '_' or '.'"
}
