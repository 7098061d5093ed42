import Foundation
import Shared

/// Where a fleet member listens, from its `<NAME>_URL`: the gateway opens plain HTTP/1.1
/// connections to it, inside the cluster's network, and TLS ends at the edge in front of the gateway.
struct UpstreamAddress: Hashable, Sendable {
    /// The member's name in the fleet table.
    let service: String
    let host: String
    let port: Int
    /// A path the member is served under (normally empty), put in front of every request's path.
    let pathPrefix: String

    /// The `Host` the member is sent.
    var authority: String { "\(host):\(port)" }
    /// The member's base URL, as its setting gave it.
    var url: String { "http://\(authority)\(pathPrefix)" }

    /// - Throws: `SettingsError` naming the member's URL setting when it is not an `http://` URL.
    init(service: String, url: String, setting: String) throws(SettingsError) {
        guard let components = URLComponents(string: url), components.scheme == "http",
            let host = components.host, !host.isEmpty, components.query == nil
        else {
            throw .malformed(setting, url, expected: "an http:// URL (the gateway reaches members over the cluster network)")
        }
        self.service = service
        self.host = host
        port = components.port ?? 80
        pathPrefix = components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path
    }
}
