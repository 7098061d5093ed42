import Foundation
import Shared

/// Sign-ins with a provider halfway (`oauth_states`: the state's hash, the PKCE verifier, single
/// use, ten minutes) and the identities linked to accounts (`oauth_links`).
struct OAuthStore: Sendable {
    let database: Database

    /// Keeps a sign-in's state until the provider sends the user back.
    func saveState(_ state: String, provider: String, codeVerifier: String, redirectURI: String) async throws {
        try await database.execute("""
            INSERT INTO oauth_states (state_hash, provider, code_verifier, redirect_uri, expires_at)
            VALUES (\(SecretToken.hash(state)), \(provider), \(codeVerifier), \(redirectURI), now() + interval '10 minutes')
            """)
    }

    /// Uses up a state: its PKCE verifier and redirect URI, or nil when unknown, used or expired.
    func takeState(_ state: String, provider: String) async throws -> (codeVerifier: String, redirectURI: String)? {
        guard let row = try await database.queryFirst("""
            DELETE FROM oauth_states
            WHERE state_hash = \(SecretToken.hash(state)) AND provider = \(provider) AND expires_at > now()
            RETURNING code_verifier, redirect_uri
            """) else { return nil }
        let (codeVerifier, redirectURI) = try row.decode(String.self, String.self)
        return (codeVerifier, redirectURI)
    }

    /// The account the provider's subject is linked to, if any.
    func linkedUser(provider: String, subject: String) async throws -> UUID? {
        try await database.queryFirst("SELECT user_id FROM oauth_links WHERE provider = \(provider) AND subject = \(subject)")?.decode(at: 0)
    }

    /// Links the provider's subject to an account (once).
    func link(provider: String, subject: String, to userId: UUID) async throws {
        try await database.execute("""
            INSERT INTO oauth_links (provider, subject, user_id) VALUES (\(provider), \(subject), \(userId))
            ON CONFLICT DO NOTHING
            """)
    }
}
