import AsyncHTTPClient
import Foundation
import JWTKit
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1

/// Verifies access tokens against the keys auth-service publishes at `/.well-known/jwks.json`.
///
/// The key set is cached. A token signed with a key id the cache does not know makes the
/// verifier fetch the set again (key rotation), but no more often than `minimumRefetchInterval`,
/// so a stream of forged key ids cannot turn it into a load generator. Only asymmetric
/// algorithms are accepted, a key id is required, and the issuer and expiry are checked.
public actor AccessTokenVerifier {
    /// Where the key set comes from, for logs.
    private let source: String
    private let fetchKeySet: @Sendable () async throws -> Data
    private let issuer: String
    private let minimumRefetchInterval: Duration
    private let maximumKeyAge: Duration
    private let logger: Logger
    private var keys = JWTKeyCollection()
    private var knownKeyIDs: Set<String> = []
    private var lastFetch: ContinuousClock.Instant?
    private var fetching: Task<Void, any Error>?
    /// Verified tokens and their callers, until each token expires.
    private let verified = VerifiedTokens()

    /// The algorithms auth-service signs with; anything else (`none`, HMAC) is refused.
    static let acceptedAlgorithms: Set<String> = ["EdDSA", "ES256"]

    /// Creates a verifier.
    /// - Parameters:
    ///   - jwksURL: where the key set is published.
    ///   - issuer: the `iss` every token must carry.
    ///   - httpClient: the client that fetches the key set.
    ///   - minimumRefetchInterval: the shortest time between two fetches.
    ///   - maximumKeyAge: how long a fetched set is used before it is fetched again.
    public init(jwksURL: String, issuer: String, httpClient: HTTPClient = PeerHTTPClient.shared,
                minimumRefetchInterval: Duration = .seconds(30), maximumKeyAge: Duration = .seconds(600),
                logger: Logger) {
        self.init(source: jwksURL, issuer: issuer, minimumRefetchInterval: minimumRefetchInterval,
                  maximumKeyAge: maximumKeyAge, logger: logger) {
            let response = try await httpClient.execute(HTTPClientRequest(url: jwksURL), timeout: .seconds(5))
            guard response.status == .ok else { throw JWKSFetchError(status: Int(response.status.code)) }
            return Data(buffer: try await response.body.collect(upTo: 1 << 20))
        }
    }

    /// Creates a verifier that reads the key set from elsewhere: auth-service verifies its own
    /// tokens against its own key store, without a request to itself.
    /// - Parameter fetchKeySet: returns a JWKS document.
    public init(source: String, issuer: String, minimumRefetchInterval: Duration = .seconds(30),
                maximumKeyAge: Duration = .seconds(600), logger: Logger,
                fetchKeySet: @escaping @Sendable () async throws -> Data) {
        self.source = source
        self.fetchKeySet = fetchKeySet
        self.issuer = issuer
        self.minimumRefetchInterval = minimumRefetchInterval
        self.maximumKeyAge = maximumKeyAge
        self.logger = logger
    }

    /// Verifies a token and returns its caller.
    ///
    /// A verified token's caller is remembered until the token expires, so a client's next
    /// requests skip the signature check (the costliest part of a cheap request). Outside the
    /// actor, so that cached answers never queue behind a verification in progress.
    /// - Throws: a 401 `Problem` saying why the token is refused; a 503 when the key set cannot
    ///   be fetched at all.
    public nonisolated func verify(_ token: String) async throws -> Principal {
        if let principal = verified.principal(for: token) { return principal }
        let principal = try await verifySignature(token)
        verified.remember(principal, for: token)
        return principal
    }

    /// The caller of a token verified before and still valid, without waiting: `nil` means
    /// `verify(_:)` must check it. Lets a server on an event loop answer most requests without
    /// leaving the loop.
    public nonisolated func cachedPrincipal(for token: String) -> Principal? {
        verified.principal(for: token)
    }

    private func verifySignature(_ token: String) async throws -> Principal {
        let header = try Self.header(of: token)
        if !knownKeyIDs.contains(header.kid) || isStale {
            try await refreshKeys()
        }
        guard knownKeyIDs.contains(header.kid) else {
            throw Problem.unauthenticated("the token is signed with an unknown key")
        }
        let claims: AccessTokenClaims
        do {
            claims = try await keys.verify(token, as: AccessTokenClaims.self)
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            throw Problem.unauthenticated("the token has expired")
        } catch {
            throw Problem.unauthenticated("the token's signature or claims are not valid")
        }
        guard claims.iss.value == issuer else {
            throw Problem.unauthenticated("the token was issued by someone else")
        }
        return Principal(
            subject: claims.sub.value,
            roles: Set(claims.roles.map(Role.init(rawValue:))),
            organizationId: claims.org.flatMap(UUID.init(uuidString:)),
            tokenId: claims.jti.value,
            expiresAt: claims.exp.value)
    }

    private var isStale: Bool {
        guard let lastFetch else { return true }
        return ContinuousClock.now - lastFetch > maximumKeyAge
    }

    /// Fetches the key set, joining a fetch already under way; skipped when the last fetch is
    /// too recent.
    private func refreshKeys() async throws {
        if let fetching {
            try await fetching.value
            return
        }
        if let lastFetch, ContinuousClock.now - lastFetch < minimumRefetchInterval {
            return
        }
        let task = Task { try await self.fetchKeys() }
        fetching = task
        defer { fetching = nil }
        do {
            try await task.value
        } catch {
            // Keep verifying with the keys we have; only with none at all is this a 503.
            logger.warning("cannot fetch the signing keys", metadata: ["source": "\(source)", "error": "\(error)"])
            lastFetch = .now
            if knownKeyIDs.isEmpty {
                throw Problem.unavailable("keys_unavailable", "the signing keys cannot be fetched; try again shortly",
                                          retryAfterSeconds: 5)
            }
        }
    }

    private func fetchKeys() async throws {
        let jwks = try JSONDecoder().decode(JWKS.self, from: try await fetchKeySet())
        let fresh = JWTKeyCollection()
        var ids: Set<String> = []
        for key in jwks.keys {
            guard let id = key.keyIdentifier?.string else { continue }
            try await fresh.add(jwk: key)
            ids.insert(id)
        }
        keys = fresh
        knownKeyIDs = ids
        lastFetch = .now
    }

    private struct Header: Decodable {
        let alg: String
        let kid: String
    }

    private struct JWKSFetchError: Error {
        let status: Int
    }

    /// Reads the token's header without trusting it: it must name an accepted algorithm and a key.
    private static func header(of token: String) throws -> Header {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = Data(base64URLEncoded: String(parts[0])),
            let header = try? JSONDecoder().decode(Header.self, from: data)
        else {
            throw Problem.unauthenticated("the token is not a well-formed signed JWT with a key id")
        }
        guard acceptedAlgorithms.contains(header.alg) else {
            throw Problem.unauthenticated("the token's algorithm \(header.alg) is not accepted")
        }
        return header
    }
}
