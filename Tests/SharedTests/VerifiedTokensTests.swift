import Foundation
import Testing

@testable import Shared

@Suite struct VerifiedTokensTests {
    static func principal(expiringIn seconds: TimeInterval) -> Principal {
        Principal(subject: UUID().uuidString, roles: [.student], tokenId: "jti", expiresAt: Date().addingTimeInterval(seconds))
    }

    @Test func aTokenIsRememberedUntilItExpiresAndNoLonger() {
        let cache = VerifiedTokens()
        let fresh = Self.principal(expiringIn: 60)
        cache.remember(fresh, for: "fresh")
        cache.remember(Self.principal(expiringIn: -1), for: "expired")
        #expect(cache.principal(for: "fresh") == fresh)
        #expect(cache.principal(for: "expired") == nil)
        #expect(cache.principal(for: "fresh", now: Date().addingTimeInterval(61)) == nil)
        #expect(cache.principal(for: "unknown") == nil)
    }

    @Test func aFullCacheStartsAgainRatherThanGrowWithoutBound() {
        let cache = VerifiedTokens()
        for index in 0..<VerifiedTokens.capacity { cache.remember(Self.principal(expiringIn: 60), for: "t\(index)") }
        #expect(cache.principal(for: "t0") != nil)
        cache.remember(Self.principal(expiringIn: 60), for: "one more")
        #expect(cache.principal(for: "t0") == nil && cache.principal(for: "one more") != nil)
    }
}
