import Foundation
import Synchronization

/// Tokens already verified, with their callers, each until the token expires. Behind a lock
/// rather than inside the verifier actor, so that a cached answer never waits for the actor.
final class VerifiedTokens: Sendable {
    /// The most tokens remembered at once; when full, it starts again rather than track ages.
    static let capacity = 10_000
    private let principals = Mutex<[String: Principal]>([:])

    /// The caller of a token verified before, while the token is still valid.
    func principal(for token: String, now: Date = Date()) -> Principal? {
        guard let principal = principals.withLock({ $0[token] }), principal.expiresAt > now else { return nil }
        return principal
    }

    func remember(_ principal: Principal, for token: String) {
        principals.withLock { cache in
            if cache.count >= Self.capacity { cache.removeAll(keepingCapacity: true) }
            cache[token] = principal
        }
    }
}
