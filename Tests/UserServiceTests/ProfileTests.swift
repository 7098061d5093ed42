import Foundation
import Shared
import TestSupport
import Testing

@testable import UserService

@Suite struct ProfileTests {
    @Test func aProfileArrivesWithTheRegistrationAndOnlyItsOwnerOrAnAdminSeesIt() async throws {
        try await UserHarness.run { users in
            let ada = try await users.register("Ada Lovelace")
            let mine = try await users.send(.get, ada.path, as: ada)
            #expect(mine["name"] == "Ada Lovelace" && mine["email"] == "ada.lovelace@example.com")
            #expect(mine.json["roles"] as? [String] == ["student"])
            #expect(try await users.send(.get, "/users/me", as: ada)["name"] == "Ada Lovelace")

            let alan = try await users.register("Alan Turing")
            let other = try await users.send(.get, ada.path, as: alan)
            #expect(other.status == .forbidden)
            #expect(try await users.send(.put, ada.path, json: ["name": "Mallory"], as: alan).status == .forbidden)
            #expect(try await users.send(.get, ada.path, as: try await users.admin()).status == .ok)
            #expect(try await users.send(.get, ada.path).status == .unauthorized)
            let expired = UserHarness.User(id: ada.id, token: try await users.key.token(subject: ada.id.lowercasedText, expiresIn: -60))
            #expect(try await users.send(.get, ada.path, as: expired).status == .unauthorized)
            let forged = UserHarness.User(id: ada.id, token: try await TestSigningKey().token(subject: ada.id.lowercasedText))
            #expect(try await users.send(.get, ada.path, as: forged).status == .unauthorized)
            // Ada's own token with its payload changed to claim admin: the signature no longer matches.
            let parts = ada.token.split(separator: ".").map(String.init)
            let payload = try #require(Data(base64URLEncoded: parts[1]))
            var claims = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
            claims["roles"] = ["student", "admin"]
            let tampered = [parts[0], try JSONSerialization.data(withJSONObject: claims).base64URLEncodedString(), parts[2]].joined(separator: ".")
            let admin = UserHarness.User(id: ada.id, token: tampered)
            #expect(try await users.send(.get, alan.path, as: admin).status == .unauthorized)
            #expect(try await users.send(.get, "/users/not-a-uuid", as: ada).status.code / 100 == 4)
        }
    }

    @Test func editingChecksEveryFieldAndPublishesTheChange() async throws {
        try await UserHarness.run { users in
            let ada = try await users.register("Ada Lovelace")
            let bad = try await users.send(.put, ada.path, json: [
                "name": "  ", "website": "ftp://example.com", "bio": String(repeating: "x", count: 2001), "email": "new@example.com",
            ], as: ada)
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.fields) == ["name", "website", "bio", "email"])
            #expect(try await users.send(.get, ada.path, as: ada)["name"] == "Ada Lovelace")
            #expect(try await users.send(.put, ada.path, json: ["name": 42], as: ada).fields == ["name"])

            let edited = try await users.send(.put, ada.path, json: [
                "name": " Ada King ", "headline": "Analyst", "website": "https://ada.example.com",
            ], as: ada)
            #expect(edited.status == .ok)
            #expect(edited["name"] == "Ada King" && edited["headline"] == "Analyst" && edited["bio"] == "")
            let published = try await users.bus.waitForEvents(ofType: "user.profile_updated")
            #expect(published.last?.data["name"] == .string("Ada King"))
        }
    }

    @Test func preferencesStartAtTheDefaultsAndChangeOnlyWhereAsked() async throws {
        try await UserHarness.run { users in
            let ada = try await users.register("Ada Lovelace")
            let defaults = try await users.send(.get, ada.path + "/preferences", as: ada)
            #expect(defaults["language"] == "en" && defaults["timezone"] == "UTC" && defaults["theme"] == "system")
            let bad = try await users.send(.put, ada.path + "/preferences", json: ["timezone": "Mars/Olympus", "theme": "neon"], as: ada)
            #expect(Set(bad.fields) == ["timezone", "theme"])
            let changed = try await users.send(.put, ada.path + "/preferences", json: ["timezone": "Europe/Lisbon", "marketingEmails": true], as: ada)
            #expect(changed["timezone"] == "Europe/Lisbon" && changed.json["marketingEmails"] as? Bool == true)
            #expect(changed["language"] == "en" && changed.json["emailNotifications"] as? Bool == true)
            #expect(try await users.send(.get, ada.path + "/preferences", as: ada)["timezone"] == "Europe/Lisbon")
            #expect(try await users.send(.get, ada.path + "/preferences", as: try await users.register("Eve")).status == .forbidden)
        }
    }

    @Test func adminsGrantRolesAndTheChangeIsAnnounced() async throws {
        try await UserHarness.run { users in
            let admin = try await users.admin()
            let grace = try await users.register("Grace Hopper")
            #expect(try await users.send(.put, grace.path + "/roles", json: ["roles": ["instructor"]], as: grace).status == .forbidden)
            #expect(try await users.send(.put, grace.path + "/roles", json: ["roles": ["wizard"]], as: admin).fields == ["roles"])
            let granted = try await users.send(.put, grace.path + "/roles", json: ["roles": ["instructor"]], as: admin)
            #expect(granted.json["roles"] as? [String] == ["instructor", "student"])
            let announced = try await users.bus.waitForEvents(ofType: "user.roles_changed")
            #expect(announced.last?.subject == grace.id.lowercasedText)
            #expect(announced.last?.data["roles"] == .array([.string("instructor"), .string("student")]))
            let selfDemotion = try await users.send(.put, admin.path + "/roles", json: ["roles": ["student"]], as: admin)
            #expect(selfDemotion.status == .conflict)
        }
    }
}

@Suite struct SearchTests {
    @Test func adminsFindPeopleByTypoedNamesEmailsAndRolesPageByPage() async throws {
        try await UserHarness.run { users in
            let admin = try await users.admin()
            _ = try await users.register("Ada Lovelace", email: "ada@analytical.example")
            _ = try await users.register("Alan Turing", email: "alan@bletchley.example", roles: ["student", "instructor"])
            _ = try await users.register("Grace Hopper", email: "grace@navy.example", roles: ["student", "instructor"])

            let typo = try await users.send(.get, "/users/search?q=lovelce", as: admin)
            #expect(typo.status == .ok)
            #expect(typo.items.first?["name"] as? String == "Ada Lovelace")
            let fullText = try await users.send(.get, "/users/search?q=hopper", as: admin)
            #expect(fullText.items.map { $0["name"] as? String } == ["Grace Hopper"])
            let byEmail = try await users.send(.get, "/users/search?email=BLETCHLEY", as: admin)
            #expect(byEmail.items.map { $0["name"] as? String } == ["Alan Turing"])
            let wildcard = try await users.send(.get, "/users/search?name=%25", as: admin)
            #expect(wildcard.items.isEmpty)

            let first = try await users.send(.get, "/users/search?role=instructor&limit=1", as: admin)
            #expect(first.items.count == 1)
            let cursor = try #require(first["nextCursor"])
            let second = try await users.send(.get, "/users/search?role=instructor&limit=1&cursor=\(cursor)", as: admin)
            #expect(second.items.count == 1 && second["nextCursor"] == nil)
            #expect(Set([first.items[0]["name"] as? String, second.items[0]["name"] as? String]) == ["Alan Turing", "Grace Hopper"])

            #expect(try await users.send(.get, "/users/search?role=wizard", as: admin).fields == ["role"])
            #expect(try await users.send(.get, "/users/search?q=ada", as: try await users.register("Eve")).status == .forbidden)
        }
    }
}
