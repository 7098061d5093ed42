import Foundation
import Hummingbird
import Shared

/// `GET /users/search` for admins: `q` matches names, emails, headlines and bios in full text and
/// tolerates typos (trigram similarity); `name`, `email` and `role` filter. Best matches first.
struct SearchRoutes: Sendable {
    let profiles: ProfileStore

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
        let search = UserSearch(text: try text("q")?.lowercased(), namePattern: try text("name").map(UserSearch.likePattern),
                                emailPattern: try text("email").map { UserSearch.likePattern($0.lowercased()) }, role: try text("role"))
        if let role = search.role, !UserSearch.roles.contains(role) {
            throw Problem.invalid("role", "must be one of \(UserSearch.roles.joined(separator: ", "))")
        }
        let page = try PageRequest(request, defaultLimit: 20, maxLimit: 100)
        // Ranked results have no stable key to continue from: the cursor is an offset.
        let offset = try page.decodeCursor(Int.self) ?? 0
        let profiles = try await profiles.search(search, offset: offset, limit: page.limit + 1)
        let next = profiles.count > page.limit ? offset + page.limit : nil
        return Page(items: Array(profiles.prefix(page.limit)),
                    nextCursor: try next.map { try JSONCoding.makeEncoder().encode($0).base64URLEncodedString() })
    }
}
