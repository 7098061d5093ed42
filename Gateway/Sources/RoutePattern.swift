/// A path pattern of the gateway's route table: literal segments, `:name` for any one segment,
/// and a final `**` for any number of further segments (none included).
struct RoutePattern: Sendable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter
        case rest
    }

    let segments: [Segment]
    let description: String
    /// How specific a match is: literal segments count most, then the pattern's length, so
    /// `/courses/:id/waitlist/**` beats `/courses/**`.
    let specificity: (literals: Int, length: Int)

    init(_ pattern: String) {
        description = pattern
        segments = pattern.split(separator: "/").map { segment in
            if segment == "**" { return .rest }
            if segment.hasPrefix(":") { return .parameter }
            return .literal(String(segment))
        }
        precondition(!segments.dropLast().contains(.rest), "`**` may only end a pattern: \(pattern)")
        specificity = (segments.filter { if case .literal = $0 { true } else { false } }.count, segments.count)
    }

    /// Whether the path's segments match.
    func matches(_ path: [Substring]) -> Bool {
        var index = 0
        for segment in segments {
            switch segment {
            case .rest:
                return true
            case .parameter:
                guard index < path.count else { return false }
            case .literal(let text):
                guard index < path.count, path[index] == text else { return false }
            }
            index += 1
        }
        return index == path.count
    }
}
