/// Where a sign-in came from, as sessions and challenges record it: the client's address and
/// its user agent.
struct ClientInfo: Sendable {
    let ip: String?
    let userAgent: String?
}
