import Foundation
import Mail
import Shared
import TestSupport
import Testing

/// A person's whole life with their account, walked through the gateway only, with the real
/// executables of the gateway, auth-service and user-service on a real PostgreSQL and Redis.
@Suite(.serialized) struct IdentityJourneyTests {
    struct JourneyError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The smallest valid PNG: one transparent pixel.
    static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")!

    @Test func registerVerifyMFARefreshResetEditAvatarAndDelete() async throws {
        let fleet = try await TestFleet.start(["auth-service", "user-service"], gatewaySettings: [
            // One person makes more than the default ten credential calls a minute here; the
            // limits stay on, with room for the journey (their refusals are tested in GatewayTests).
            "RATE_LIMIT_POLICIES": #"[{"name":"default","limit":600,"windowSeconds":60,"routes":["/**"]},"#
                + #"{"name":"credentials","limit":40,"windowSeconds":60,"routes":["POST /auth/**"]}]"#,
        ])
        defer { fleet.stop() }
        let api = fleet.api
        let email = "ada-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let password = "correct horse battery staple"

        // Register, and the verification email arrives.
        let registered = try await api.send(.POST, "/auth/register", json: ["email": email, "password": password, "name": "Ada Lovelace"])
        #expect(registered.status == 201, "\(registered.text)")
        #expect(registered.json["emailVerified"] as? Bool == false)
        let userId = try #require(registered["id"])
        let verification = try await fleet.tokenFromMail(to: email, subject: "verif")
        #expect(try await api.send(.POST, "/auth/verify-email", json: ["token": verification]).status == 200)
        #expect(try await api.send(.POST, "/auth/verify-email", json: ["token": verification]).status / 100 == 4)

        // Log in; the profile has arrived at user-service through the event bus.
        let first = try await api.send(.POST, "/auth/login", json: ["email": email, "password": password])
        #expect(first.status == 200, "\(first.text)")
        #expect(first["tokenType"] == "Bearer")
        let access = try #require(first["accessToken"])
        let profile = try await api.eventually(.GET, "/users/\(userId)", token: access) { $0.status == 200 }
        #expect(profile["email"] == email)

        // Set up MFA, confirm it with a code from the returned secret.
        let setup = try await api.send(.POST, "/auth/mfa/setup", token: access)
        #expect(setup.status == 200, "\(setup.text)")
        let secret = try #require(setup["secret"])
        let recoveryCodes = try #require(setup.json["recoveryCodes"] as? [String])
        #expect(setup["otpauthUri"]?.hasPrefix("otpauth://totp/") == true)
        let now = Date()
        #expect(try await api.send(.POST, "/auth/mfa/verify", json: ["code": TOTP.code(secret: secret, at: now)], token: access).status / 100 == 2)

        // Logging in now needs a second factor; the code of the next time step (within ±1) is accepted once.
        let challenge = try await api.send(.POST, "/auth/login", json: ["email": email, "password": password])
        #expect(challenge.json["mfaRequired"] as? Bool == true)
        #expect(challenge["accessToken"] == nil)
        let mfaToken = try #require(challenge["mfaToken"])
        let nextCode = TOTP.code(secret: secret, at: now.addingTimeInterval(30))
        let signedIn = try await api.send(.POST, "/auth/mfa/verify", json: ["mfaToken": mfaToken, "code": nextCode])
        #expect(signedIn.status == 200, "\(signedIn.text)")
        let refresh1 = try #require(signedIn["refreshToken"])

        // Refresh rotates; presenting the old refresh token again revokes the whole family.
        let rotated = try await api.send(.POST, "/auth/refresh-token", json: ["refreshToken": refresh1])
        #expect(rotated.status == 200)
        let refresh2 = try #require(rotated["refreshToken"])
        #expect(refresh2 != refresh1)
        #expect(try await api.send(.POST, "/auth/refresh-token", json: ["refreshToken": refresh1]).status == 401)
        #expect(try await api.send(.POST, "/auth/refresh-token", json: ["refreshToken": refresh2]).status == 401)

        // Forgot and reset the password: the old one stops working, the new one works (with a recovery code).
        #expect(try await api.send(.POST, "/auth/forgot-password", json: ["email": email]).status == 202)
        #expect(try await api.send(.POST, "/auth/forgot-password", json: ["email": "nobody-\(email)"]).status == 202)
        let reset = try await fleet.tokenFromMail(to: email, subject: "reset")
        let newPassword = "a different long passphrase"
        #expect(try await api.send(.POST, "/auth/reset-password", json: ["token": reset, "password": newPassword]).status / 100 == 2)
        let oldPassword = try await api.send(.POST, "/auth/login", json: ["email": email, "password": password])
        #expect(oldPassword.status == 401, "\(oldPassword.text)")
        let again = try await api.send(.POST, "/auth/login", json: ["email": email, "password": newPassword])
        let secondChallenge = try #require(again["mfaToken"], "\(again.text)")
        let recovered = try await api.send(.POST, "/auth/mfa/verify", json: ["mfaToken": secondChallenge, "code": recoveryCodes[0]])
        #expect(recovered.status == 200, "\(recovered.text)")
        let token = try #require(recovered["accessToken"])

        // Edit the profile and upload an avatar that comes back byte for byte.
        let edited = try await api.send(.PUT, "/users/\(userId)", json: ["name": "Ada King", "bio": "Analyst"], token: token)
        #expect(edited.status == 200, "\(edited.text)")
        #expect(try await api.send(.GET, "/users/\(userId)", token: token)["name"] == "Ada King")
        let upload = try await api.send(.POST, "/users/\(userId)/avatar", token: token, body: Self.png, contentType: "image/png")
        #expect(upload.status / 100 == 2, "\(upload.text)")
        let avatar = try await api.send(.GET, "/users/\(userId)/avatar")
        #expect(avatar.status == 200 && avatar.body == Self.png)

        // Delete the account: the profile is gone and, once auth-service hears of it, so is the login.
        #expect(try await api.send(.DELETE, "/users/\(userId)", token: token).status == 204)
        #expect(try await api.send(.GET, "/users/\(userId)", token: token).status / 100 == 4)
        let refused = try await api.eventually(.POST, "/auth/login", json: ["email": email, "password": newPassword]) { $0.status == 401 }
        #expect(refused.status == 401)
    }
}

extension TestFleet {
    /// The token in the newest mail to `email` whose subject contains `subject`.
    func tokenFromMail(to email: String, subject: String) async throws -> String {
        for _ in 0..<100 {
            if let message = try MailDropFolder.messages(in: mailFolder, to: email).last(where: { $0.subject.localizedCaseInsensitiveContains(subject) }),
               let match = message.text.firstMatch(of: /[Tt]oken[:=]\s*([A-Za-z0-9_\-]+)/) {
                return String(match.1)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw IdentityJourneyTests.JourneyError("no mail with a token and subject containing “\(subject)” reached \(email)")
    }
}
