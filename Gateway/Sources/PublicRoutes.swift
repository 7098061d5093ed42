import HTTPTypes

/// The routes anyone may call without an access token; every other route the gateway serves
/// needs a valid one before anything reaches a service.
///
/// A token sent to a public route is not checked here: an expired token must not stop its owner
/// from refreshing or signing in again. The service still verifies whatever it receives.
struct PublicRoutes: Sendable {
    let matchers: [RequestMatcher]

    /// Whether a path, given as its segments, is public for the method.
    func contains(method: HTTPRequest.Method, segments: [Substring]) -> Bool {
        matchers.contains { $0.matches(method: method, segments: segments) }
    }

    static let fleet = PublicRoutes(matchers: [
        // Signing up and in, and getting back in.
        "POST /auth/register", "POST /auth/verify-email", "POST /auth/login", "POST /auth/refresh-token",
        "POST /auth/logout", "POST /auth/forgot-password", "POST /auth/reset-password",
        // The second step of an MFA login carries an mfaToken, not an access token yet.
        "POST /auth/mfa/verify",
        "GET /auth/oauth/:provider/authorize", "GET /auth/oauth/:provider/callback",
        // Services obtain their own tokens with client credentials.
        "POST /auth/token",
        "GET /.well-known/jwks.json",
        // Images are fetched by <img> tags, which send no Authorization header.
        "GET /users/:id/avatar",
        // The catalog is open to visitors; what they may see is course-service's decision.
        "GET /courses", "GET /courses/:id", "GET /courses/:id/modules", "GET /courses/:id/cohorts", "GET /courses/:id/reviews",
        // Anyone holding a certificate may prove it is genuine.
        "GET /certificates/:id/verify", "POST /certificates/verify", "GET /.well-known/certificate-keys.json",
        // Anyone holding a quote may check its signature.
        "GET /pricing/quote-keys",
        // Stripe signs its webhook; the payment service checks that signature.
        "POST /webhooks/stripe",
    ].map { RequestMatcher($0)! })
}
