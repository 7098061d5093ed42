import Foundation
import Hummingbird
import Shared

/// `GET /users/search` for admins: `q` matches names, emails, headlines and bios in full text and
/// tolerates typos (trigram similarity); `name`, `email` and `role` filter. Best matches first.
struct SearchRoutes: Sendable {
    let database: Database

    static let roles = ["student", "instructor", "admin"]

    func add(to group: RouterGroup<AppRequestContext>) {
        group.get("/users/search") { request, context in
            _ = try context.requireRole(.admin)
            return try await search(request)
        }
    }

    func search(_ request: Request) async throws -> Page<Profile> {
        let query = request.uri.queryParameters
        func text(_ name: String, max: Int = 200) throws -> String? {
            guard let value = query[Substring(name)].map(String.init)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            guard value.count <= max else { throw Problem.invalid(name, "must be at most \(max) characters") }
            return value
        }
        let q = try text("q")?.lowercased()
        let name = try text("name").map(Self.likePattern)
        let email = try text("email").map { Self.likePattern($0.lowercased()) }
        let role = try text("role")
        if let role, !Self.roles.contains(role) {
            throw Problem.invalid("role", "must be one of \(Self.roles.joined(separator: ", "))")
        }
        let page = try PageRequest(request, defaultLimit: 20, maxLimit: 100)
        // Ranked results have no stable key to continue from: the cursor is an offset.
        let offset = try page.decodeCursor(Int.self) ?? 0
        let rows = try await database.query("""
            SELECT \(Profile.columns),
                   CASE WHEN \(q)::text IS NULL THEN 0 ELSE greatest(
                       ts_rank(search, plainto_tsquery('simple', \(q))),
                       public.word_similarity(\(q), lower(name)),
                       public.similarity(\(q), email)) END AS rank
            FROM profiles
            WHERE (\(q)::text IS NULL OR search @@ plainto_tsquery('simple', \(q))
                   OR public.word_similarity(\(q), lower(name)) >= 0.4
                   OR public.similarity(\(q), email) >= 0.4
                   OR position(\(q) in email) > 0)
              AND (\(name)::text IS NULL OR name ILIKE \(name))
              AND (\(email)::text IS NULL OR email LIKE \(email))
              AND (\(role)::text IS NULL OR roles @> ARRAY[\(role)::text])
            ORDER BY rank DESC, registered_at DESC, id DESC
            OFFSET \(offset) LIMIT \(page.limit + 1)
            """)
        let profiles = try rows.map(Profile.init(row:))
        let next = profiles.count > page.limit ? offset + page.limit : nil
        return Page(items: Array(profiles.prefix(page.limit)),
                    nextCursor: try next.map { try JSONCoding.makeEncoder().encode($0).base64URLEncodedString() })
    }

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
