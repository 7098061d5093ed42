/// What the client gets on signing in or refreshing.
struct TokenPair: Encodable, Sendable {
    let accessToken: String
    let refreshToken: String
    var tokenType = "Bearer"
    let expiresIn: Int
}
