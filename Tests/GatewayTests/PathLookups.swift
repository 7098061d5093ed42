import HTTPTypes

@testable import Gateway

// The gateway looks paths up by their segments, split once per request; the tests ask by path.

extension RouteTable {
    /// The member owning a path, or `nil`.
    func service(for path: String) -> String? {
        route(for: path.split(separator: "/"))?.service
    }
}

extension PublicRoutes {
    /// Whether a path is public for the method.
    func contains(method: HTTPRequest.Method, path: String) -> Bool {
        contains(method: method, segments: path.split(separator: "/"))
    }
}
