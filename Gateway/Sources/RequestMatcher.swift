import HTTPTypes

/// Matches requests by an optional method and a path pattern, written `POST /auth/login` or
/// `/users/:id/avatar` (any method). Used for public routes and rate-limit policies.
struct RequestMatcher: Sendable, CustomStringConvertible {
    let method: HTTPRequest.Method?
    let pattern: RoutePattern

    /// - Returns: `nil` when the text is neither `/path` nor `METHOD /path`.
    init?(_ text: String) {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        switch words.count {
        case 1 where words[0].hasPrefix("/"):
            method = nil
            pattern = RoutePattern(String(words[0]))
        case 2 where words[1].hasPrefix("/"):
            guard let parsed = HTTPRequest.Method(words[0].uppercased()) else { return nil }
            method = parsed
            pattern = RoutePattern(String(words[1]))
        default:
            return nil
        }
        guard !pattern.segments.dropLast().contains(.rest) else { return nil }
    }

    var description: String { (method.map { "\($0.rawValue) " } ?? "") + pattern.description }

    func matches(method: HTTPRequest.Method, segments: [Substring]) -> Bool {
        (self.method == nil || self.method == method) && pattern.matches(segments)
    }
}
