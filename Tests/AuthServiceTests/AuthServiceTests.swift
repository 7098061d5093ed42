import Foundation
import HTTPTypes
import Shared
import TestSupport
import Testing

@testable import AuthService

@Suite struct RegistrationTests {
    @Test func registrationRefusesDuplicatesWeakPasswordsAndBadEmailsNamingTheField() async throws {
        try await AuthHarness.run { auth in
            let created = try await auth.send(.post, "/auth/register", ["email": "Ada@Example.com", "password": "a perfectly fine passphrase", "name": "Ada"])
            #expect(created.status == .created)
            #expect(created.json["emailVerified"] as? Bool == false)
            #expect((created.json["roles"] as? [String]) == ["student"])

            let duplicate = try await auth.send(.post, "/auth/register", ["email": " ada@example.COM ", "password": "another fine passphrase", "name": "Ada"])
            #expect(duplicate.status == .conflict)
            for (password, reason) in [("short1!", "short"), ("passwordpassword", "common"), ("aaaaaaaaaaaaaaaa", "repetitive")] {
                let weak = try await auth.send(.post, "/auth/register", ["email": "weak-\(reason)@example.com", "password": password, "name": "W"])
                #expect(weak.status == .unprocessableContent, "\(reason)")
                #expect(((weak.json["errors"] as? [[String: Any]])?.first?["field"] as? String) == "password")
            }
            let badEmail = try await auth.send(.post, "/auth/register", ["email": "not-an-email", "password": "a perfectly fine passphrase", "name": "B"])
            #expect(((badEmail.json["errors"] as? [[String: Any]])?.first?["field"] as? String) == "email")
            let missing = try await auth.send(.post, "/auth/register", ["email": "m@example.com"])
            #expect(missing.status.code / 100 == 4)
        }
    }

    @Test func theVerificationTokenWorksOnce() async throws {
        try await AuthHarness.run { auth in
            try await auth.register("ver@example.com", verify: false)
            let token = try await auth.mailToken(to: "ver@example.com", subject: "Verify")
            let first = try await auth.send(.post, "/auth/verify-email", ["token": token])
            #expect(first.status == .ok && first.json["emailVerified"] as? Bool == true)
            #expect(try await auth.send(.post, "/auth/verify-email", ["token": token]).code == "invalid_token")
            #expect(try await auth.send(.post, "/auth/verify-email", ["token": "made-up"]).status == .badRequest)
        }
    }
}

@Suite struct LoginTests {
    @Test func loginGivesTokensThatVerifyAndWrongPasswordsAreRefused() async throws {
        try await AuthHarness.run { auth in
            let id = try await auth.register("login@example.com")
            let answer = try await auth.login("login@example.com")
            #expect(answer.status == .ok)
            #expect(answer["tokenType"] == "Bearer")
            #expect(answer.json["expiresIn"] as? Int == 900)
            let verifier = AccessTokenVerifier(jwksURL: auth.baseURL + "/.well-known/jwks.json", issuer: TokenIssuer.default,
                                               minimumRefetchInterval: .seconds(1), logger: TestLogger.make("verify"))
            let principal = try await verifier.verify(try #require(answer["accessToken"]))
            #expect(principal.userId == UUID(uuidString: id))
            #expect(principal.roles == [.student])

            #expect(try await auth.login("login@example.com", password: "the wrong passphrase!").code == "invalid_credentials")
            #expect(try await auth.login("nobody@example.com").code == "invalid_credentials")
        }
    }

    @Test func repeatedFailuresLockTheAccountEvenForTheRightPasswordAndTellTheOwner() async throws {
        try await AuthHarness.run(settings: ["LOCKOUT_THRESHOLD": "3", "LOCKOUT_SECONDS": "6"]) { auth in
            try await auth.register("lock@example.com")
            for _ in 0..<3 { _ = try await auth.login("lock@example.com", password: "guessing wrongly again") }
            let locked = try await auth.login("lock@example.com")
            #expect(locked.status.code == 423)
            #expect(locked.code == "account_locked")
            #expect(locked.headers[.retryAfter] != nil)
            _ = try await auth.mailToken(to: "lock@example.com", subject: "Verify")
            var lockMail = false
            for _ in 0..<50 where !lockMail {
                lockMail = try auth.mails(to: "lock@example.com").contains { $0.subject.contains("locked") }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(lockMail)
            // Long enough that slow password hashing on a busy machine cannot outlast the lock above.
            try await Task.sleep(for: .milliseconds(6100))
            #expect(try await auth.login("lock@example.com").status == .ok)
        }
    }

    @Test func anAddressWithTooManyFailuresIsRefused() async throws {
        try await AuthHarness.run(settings: ["IP_FAILURE_LIMIT": "2"]) { auth in
            try await auth.register("ip@example.com")
            for _ in 0..<2 { _ = try await auth.login("nobody@example.com") }
            let refused = try await auth.login("ip@example.com")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.code == "too_many_failures")
        }
    }
}

@Suite struct MFATests {
    static func secretKey(_ base32: String) -> [UInt8] { TOTP.base32Decode(base32) }

    @Test func mfaSetupConfirmLoginWithACodeOnceAndARecoveryCodeOnce() async throws {
        try await AuthHarness.run { auth in
            try await auth.register("mfa@example.com")
            let token = try #require(try await auth.login("mfa@example.com")["accessToken"])
            #expect(try await auth.send(.post, "/auth/mfa/setup").status == .unauthorized)
            let setup = try await auth.send(.post, "/auth/mfa/setup", token: token)
            let secret = try #require(setup["secret"])
            let recovery = try #require(setup.json["recoveryCodes"] as? [String])
            #expect(recovery.count == 10)
            #expect(try await auth.send(.post, "/auth/mfa/verify", ["code": "000000"], token: token).code == "invalid_mfa_code")
            let now = Date()
            #expect(try await auth.send(.post, "/auth/mfa/verify", ["code": TestSupport.TOTP.code(secret: secret, at: now)], token: token).status == .ok)

            let challenge = try await auth.login("mfa@example.com")
            #expect(challenge.json["mfaRequired"] as? Bool == true)
            #expect(challenge["accessToken"] == nil)
            let mfaToken = try #require(challenge["mfaToken"])
            // The code already used to confirm is refused; the next step's code is accepted, once.
            let replay = try await auth.send(.post, "/auth/mfa/verify", ["mfaToken": mfaToken, "code": TestSupport.TOTP.code(secret: secret, at: now)])
            #expect(replay.code == "invalid_mfa_code")
            let next = TestSupport.TOTP.code(secret: secret, at: now.addingTimeInterval(30))
            #expect(try await auth.send(.post, "/auth/mfa/verify", ["mfaToken": mfaToken, "code": next]).status == .ok)
            let again = try #require(try await auth.login("mfa@example.com")["mfaToken"])
            #expect(try await auth.send(.post, "/auth/mfa/verify", ["mfaToken": again, "code": next]).code == "invalid_mfa_code")
            // The challenge of a finished login is spent.
            #expect(try await auth.send(.post, "/auth/mfa/verify", ["mfaToken": mfaToken, "code": recovery[1]]).code == "invalid_token")

            #expect(try await auth.send(.post, "/auth/mfa/verify", ["mfaToken": again, "code": recovery[0]]).status == .ok)
            let third = try #require(try await auth.login("mfa@example.com")["mfaToken"])
            #expect(try await auth.send(.post, "/auth/mfa/verify", ["mfaToken": third, "code": recovery[0]]).code == "invalid_mfa_code")
        }
    }

    @Test func totpMatchesTheRFC6238Vectors() {
        let key = Data("12345678901234567890".utf8)
        #expect(AuthService.TOTP.code(key: key, step: 59 / 30, digits: 8) == "94287082")
        #expect(AuthService.TOTP.code(key: key, step: 1111111109 / 30, digits: 8) == "07081804")
        #expect(AuthService.TOTP.base32(Data("foobar".utf8)) == "MZXW6YTBOI")
    }
}

@Suite struct SessionTests {
    @Test func refreshRotatesAndAReusedTokenEndsTheWholeFamily() async throws {
        try await AuthHarness.run { auth in
            try await auth.register("family@example.com")
            let first = try #require(try await auth.login("family@example.com")["refreshToken"])
            let second = try await auth.send(.post, "/auth/refresh-token", ["refreshToken": first])
            #expect(second.status == .ok)
            let secondToken = try #require(second["refreshToken"])
            let stolen = try await auth.send(.post, "/auth/refresh-token", ["refreshToken": first])
            #expect(stolen.status == .unauthorized)
            #expect(try await auth.send(.post, "/auth/refresh-token", ["refreshToken": secondToken]).status == .unauthorized)
            #expect(try await auth.send(.post, "/auth/refresh-token", ["refreshToken": "made-up"]).status == .unauthorized)
        }
    }

    @Test func logoutEndsTheSessionAndUsersSeeAndEndOnlyTheirOwnSessions() async throws {
        try await AuthHarness.run { auth in
            try await auth.register("ses@example.com")
            try await auth.register("other@example.com")
            let one = try await auth.login("ses@example.com")
            _ = try await auth.login("ses@example.com")
            let other = try await auth.login("other@example.com")
            let token = try #require(one["accessToken"])
            let list = try await auth.send(.get, "/auth/sessions", token: token)
            let items = try #require(list.json["items"] as? [[String: Any]])
            #expect(items.count == 2)
            let otherSessions = try await auth.send(.get, "/auth/sessions", token: try #require(other["accessToken"]))
            let otherId = try #require((otherSessions.json["items"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await auth.send(.delete, "/auth/sessions/\(otherId)", token: token).status == .notFound)
            let mine = try #require(items.first?["id"] as? String)
            #expect(try await auth.send(.delete, "/auth/sessions/\(mine)", token: token).status == .noContent)
            #expect(((try await auth.send(.get, "/auth/sessions", token: token)).json["items"] as? [Any])?.count == 1)

            #expect(try await auth.send(.post, "/auth/logout", ["refreshToken": try #require(one["refreshToken"])]).status == .noContent)
            #expect(try await auth.send(.post, "/auth/refresh-token", ["refreshToken": try #require(one["refreshToken"])]).status == .unauthorized)
        }
    }

    @Test func forgotAndResetPasswordEndsEverySession() async throws {
        try await AuthHarness.run { auth in
            try await auth.register("reset@example.com")
            let before = try await auth.login("reset@example.com")
            #expect(try await auth.send(.post, "/auth/forgot-password", ["email": "unknown@example.com"]).status == .accepted)
            #expect(try await auth.send(.post, "/auth/forgot-password", ["email": "reset@example.com"]).status == .accepted)
            let token = try await auth.mailToken(to: "reset@example.com", subject: "Reset")
            #expect(try auth.mails(to: "unknown@example.com").isEmpty)
            let weak = try await auth.send(.post, "/auth/reset-password", ["token": token, "password": "short"])
            #expect(weak.status == .unprocessableContent)
            #expect(try await auth.send(.post, "/auth/reset-password", ["token": token, "password": "my brand new passphrase"]).status == .ok)
            #expect(try await auth.send(.post, "/auth/reset-password", ["token": token, "password": "my brand new passphrase"]).code == "invalid_token")
            #expect(try await auth.send(.post, "/auth/refresh-token", ["refreshToken": try #require(before["refreshToken"])]).status == .unauthorized)
            #expect(try await auth.login("reset@example.com").status == .unauthorized)
            #expect(try await auth.login("reset@example.com", password: "my brand new passphrase").status == .ok)
        }
    }
}

@Suite struct KeyAndClientTests {
    @Test func aTokenSignedBeforeRotationStillVerifiesAfterIt() async throws {
        try await AuthHarness.run { auth in
            let admin = try #require(try await auth.login(AuthHarness.adminEmail, password: AuthHarness.adminPassword)["accessToken"])
            let verifier = AccessTokenVerifier(jwksURL: auth.baseURL + "/.well-known/jwks.json", issuer: TokenIssuer.default,
                                               minimumRefetchInterval: .milliseconds(1), logger: TestLogger.make("verify"))
            #expect(try await verifier.verify(admin).isAdmin)

            try await auth.register("student@example.com")
            let student = try #require(try await auth.login("student@example.com")["accessToken"])
            #expect(try await auth.send(.post, "/auth/keys/rotate", token: student).status == .forbidden)
            #expect(try await auth.send(.post, "/auth/keys/rotate", token: admin).status == .noContent)

            let after = try #require(try await auth.login("student@example.com")["accessToken"])
            #expect(try await verifier.verify(after).subject == (try await verifier.verify(student)).subject)
            #expect(try await verifier.verify(admin).isAdmin)
            let keys = try await auth.send(.get, "/.well-known/jwks.json")
            #expect((keys.json["keys"] as? [Any])?.count == 2)
        }
    }

    @Test func servicesGetTokensWithTheirClientSecretOnly() async throws {
        try await AuthHarness.run { auth in
            func token(_ body: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                let response = try await auth.client.execute(
                    uri: "/auth/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: .init(string: body))
                return (response.status, (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:])
            }
            let (status, body) = try await token("grant_type=client_credentials&client_id=payment-service&client_secret=payment-secret-0123456789")
            #expect(status == .ok)
            let verifier = AccessTokenVerifier(jwksURL: auth.baseURL + "/.well-known/jwks.json", issuer: TokenIssuer.default,
                                               minimumRefetchInterval: .seconds(1), logger: TestLogger.make("verify"))
            let principal = try await verifier.verify(try #require(body["access_token"] as? String))
            #expect(principal.serviceName == "payment-service" && principal.isService)
            #expect(try await token("grant_type=client_credentials&client_id=payment-service&client_secret=wrong").1["error"] as? String == "invalid_client")
            #expect(try await token("grant_type=client_credentials&client_id=ledger&client_secret=x").0 == .unauthorized)
            #expect(try await token("grant_type=password&client_id=payment-service").1["error"] as? String == "unsupported_grant_type")
        }
    }

    @Test func theFirstAdminComesFromTheSettingsAndIsNotOverwritten() async throws {
        try await AuthHarness.run { auth in
            let answer = try await auth.login(AuthHarness.adminEmail, password: AuthHarness.adminPassword)
            #expect(answer.status == .ok)
        }
    }
}

@Suite struct UserEventTests {
    @Test func aDeletedUserCanNoLongerSignInAndNewRolesReachTheNextToken() async throws {
        try await AuthHarness.run { auth in
            let id = try await auth.register("events@example.com")
            let refresh = try #require(try await auth.login("events@example.com")["refreshToken"])
            try await auth.publish("user.roles_changed", subject: id, data: ["userId": .string(id), "roles": .array([.string("student"), .string("instructor")])])
            var roles: [String] = []
            for _ in 0..<100 where !roles.contains("instructor") {
                let token = try #require(try await auth.login("events@example.com")["accessToken"])
                let payload = token.split(separator: ".")[1]
                let claims = try JSONSerialization.jsonObject(with: Data(base64URLEncoded: String(payload))!) as? [String: Any]
                roles = claims?["roles"] as? [String] ?? []
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(roles == ["student", "instructor"])

            try await auth.publish("user.deleted", subject: id, data: ["userId": .string(id)])
            var status = HTTPResponse.Status.ok
            for _ in 0..<100 where status == .ok {
                status = try await auth.login("events@example.com").status
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(status == .unauthorized)
            #expect(try await auth.send(.post, "/auth/refresh-token", ["refreshToken": refresh]).status == .unauthorized)
            // The email is free again.
            #expect(try await auth.send(.post, "/auth/register", ["email": "events@example.com", "password": "a perfectly fine passphrase", "name": "Again"]).status == .created)
        }
    }
}

@Suite struct OAuthTests {
    /// auth-service configured for both providers, both pointing at one fake.
    func withProvider(_ test: @escaping @Sendable (AuthHarness, FakeOAuthProvider) async throws -> Void) async throws {
        let provider = FakeOAuthProvider()
        try await provider.run { base in
            var settings: [String: String] = [:]
            for (prefix, identity) in [("GOOGLE", "GOOGLE_USERINFO_URL"), ("GITHUB", "GITHUB_API_URL")] {
                settings["\(prefix)_CLIENT_ID"] = "\(prefix.lowercased())-client"
                settings["\(prefix)_CLIENT_SECRET"] = provider.clientSecret
                settings["\(prefix)_AUTHORIZE_URL"] = base + "/authorize"
                settings["\(prefix)_TOKEN_URL"] = base + "/token"
                settings[identity] = prefix == "GOOGLE" ? base + "/userinfo" : base
            }
            try await AuthHarness.run(settings: settings) { auth in try await test(auth, provider) }
        }
    }

    /// Starts sign-in, plays the user approving at the provider, and returns the callback's answer.
    func signIn(_ auth: AuthHarness, _ provider: FakeOAuthProvider, at name: String, as identity: [String: String]) async throws -> (AuthHarness.Answer, state: String, code: String) {
        let start = try await auth.send(.get, "/auth/oauth/\(name)/authorize?redirectUri=https%3A%2F%2Fapp.azora.test%2Foauth")
        #expect(start.status == .found)
        let location = try #require(start.headers[.location].flatMap(URLComponents.init(string:)))
        let query = Dictionary(uniqueKeysWithValues: (location.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(query["response_type"] == "code" && query["code_challenge_method"] == "S256")
        #expect(query["redirect_uri"] == "https://app.azora.test/oauth" && query["client_id"] == "\(name)-client")
        let state = try #require(query["state"])
        let code = provider.approve(authorizeQuery: query, identity: identity)
        let answer = try await auth.send(.get, "/auth/oauth/\(name)/callback?code=\(code)&state=\(state)")
        return (answer, state, code)
    }

    @Test func githubSignInCreatesAnAccountOnceAndTheStateWorksOnce() async throws {
        try await withProvider { auth, provider in
            let octo = ["sub": "4242", "login": "octo", "name": "Octo Cat", "email": "octo@example.com", "email_verified": "true"]
            let (first, state, code) = try await signIn(auth, provider, at: "github", as: octo)
            #expect(first.status == .ok)
            #expect(first["tokenType"] == "Bearer" && first["refreshToken"] != nil)
            let request = try #require(provider.tokenRequests.withLock { $0.last })
            #expect(request["grant_type"] == "authorization_code" && request["client_id"] == "github-client")
            #expect(request["redirect_uri"] == "https://app.azora.test/oauth" && request["code"] == code)

            // The same identity again is the same account; a replayed state is refused.
            let (second, _, _) = try await signIn(auth, provider, at: "github", as: octo)
            let firstSub = try AuthTokens.subject(first["accessToken"])
            #expect(try AuthTokens.subject(second["accessToken"]) == firstSub)
            #expect(try await auth.send(.get, "/auth/oauth/github/callback?code=\(code)&state=\(state)").code == "invalid_token")
            #expect(try await auth.send(.get, "/auth/oauth/gitlab/authorize?redirectUri=https://x.test").status == .notFound)
        }
    }

    @Test func aVerifiedEmailLinksToTheExistingAccountAndAnUnverifiedOneDoesNot() async throws {
        try await withProvider { auth, provider in
            let id = try await auth.register("linked@example.com")
            let verified = ["sub": "g-1", "name": "Linked", "email": "linked@example.com", "email_verified": "true"]
            let (linked, _, _) = try await signIn(auth, provider, at: "google", as: verified)
            #expect(linked.status == .ok)
            #expect(try AuthTokens.subject(linked["accessToken"]) == id.lowercased())

            try await auth.register("taken@example.com")
            let unverified = ["sub": "g-2", "name": "Impostor", "email": "taken@example.com", "email_verified": "false"]
            #expect(try await signIn(auth, provider, at: "google", as: unverified).0.code == "oauth_email_unverified")
        }
    }

    @Test func aCodeExchangedWithTheWrongVerifierIsRefusedByTheProvider() async throws {
        try await withProvider { auth, provider in
            let someone = ["sub": "g-3", "name": "Someone", "email": "someone@example.com", "email_verified": "true"]
            // A code issued for another sign-in's challenge: the provider refuses this verifier.
            let start = try await auth.send(.get, "/auth/oauth/google/authorize?redirectUri=https%3A%2F%2Fapp.azora.test%2Foauth")
            let location = try #require(start.headers[.location].flatMap(URLComponents.init(string:)))
            var query = Dictionary(uniqueKeysWithValues: (location.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            query["code_challenge"] = "not-this-sign-ins-challenge"
            let code = provider.approve(authorizeQuery: query, identity: someone)
            let answer = try await auth.send(.get, "/auth/oauth/google/callback?code=\(code)&state=\(query["state"]!)")
            #expect(answer.status == .badGateway && answer.code == "oauth_provider_failed")
        }
    }
}

/// Reads an access token's claims without verifying it (the other tests verify signatures).
enum AuthTokens {
    static func subject(_ token: String?) throws -> String? {
        guard let payload = token?.split(separator: ".").dropFirst().first,
              let data = Data(base64URLEncoded: String(payload)) else { return nil }
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["sub"] as? String
    }
}
