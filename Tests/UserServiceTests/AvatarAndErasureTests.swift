import Foundation
import Shared
import TestSupport
import Testing

@testable import UserService

@Suite struct AvatarTests {
    static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")!
    static let gif = Data("GIF89a".utf8) + Data(repeating: 0, count: 20)

    /// The files the object store holds for a user (without the content-type sidecars).
    func storedObjects(_ users: UserHarness, _ user: UserHarness.User) -> [String] {
        let folder = users.objectFolder.appending(path: "avatars/\(user.id.lowercasedText)")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasSuffix(".type") }
    }

    @Test func anImageIsStoredServedPubliclyAndReplaced() async throws {
        try await UserHarness.run { users in
            let ada = try await users.register("Ada Lovelace")
            let uploaded = try await users.send(.post, ada.path + "/avatar", as: ada, body: Self.png, contentType: "image/png")
            #expect(uploaded.status == .ok)
            #expect(uploaded["avatarUrl"] == ada.path + "/avatar")
            let served = try await users.send(.get, ada.path + "/avatar")
            #expect(served.status == .ok && served.body == Self.png)
            #expect(served.headers[.contentType] == "image/png")
            let etag = try #require(served.headers[.eTag])
            #expect(try await users.send(.get, ada.path + "/avatar", headers: [.ifNoneMatch: etag]).status == .notModified)

            // The type comes from the bytes, not the header; the replaced picture is deleted.
            _ = try await users.send(.post, ada.path + "/avatar", as: ada, body: Self.gif, contentType: "image/png")
            #expect(try await users.send(.get, ada.path + "/avatar").headers[.contentType] == "image/gif")
            try await eventually { storedObjects(users, ada).count == 1 }
            #expect(try await users.send(.delete, ada.path + "/avatar", as: ada).status == .noContent)
            #expect(try await users.send(.get, ada.path + "/avatar").status == .notFound)
            try await eventually { storedObjects(users, ada).isEmpty }
        }
    }

    @Test func nonImagesOversizeImagesAndOtherPeoplesProfilesAreRefused() async throws {
        try await UserHarness.run(settings: ["AVATAR_MAX_BYTES": "2048"]) { users in
            let ada = try await users.register("Ada Lovelace")
            let svg = Data("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".utf8)
            let notImage = try await users.send(.post, ada.path + "/avatar", as: ada, body: svg, contentType: "image/png")
            #expect(notImage.status == .unsupportedMediaType && notImage.fields == ["avatar"])
            let huge = Self.png + Data(repeating: 0, count: 4096)
            let tooLarge = try await users.send(.post, ada.path + "/avatar", as: ada, body: huge, contentType: "image/png")
            #expect(tooLarge.status == .contentTooLarge && tooLarge.fields == ["avatar"])
            let eve = try await users.register("Eve")
            #expect(try await users.send(.post, ada.path + "/avatar", as: eve, body: Self.png, contentType: "image/png").status == .forbidden)
            #expect(storedObjects(users, ada).isEmpty)
            #expect(try await users.send(.get, ada.path, as: ada).json["avatarUrl"] == nil)
        }
    }
}

@Suite struct ErasureTests {
    @Test func deletingErasesProfileAndAvatarAnnouncesItAndALateRegistrationCannotRevive() async throws {
        try await UserHarness.run { users in
            let ada = try await users.register("Ada Lovelace")
            _ = try await users.send(.post, ada.path + "/avatar", as: ada, body: AvatarTests.png, contentType: "image/png")
            #expect(try await users.send(.delete, ada.path, as: try await users.register("Eve")).status == .forbidden)

            #expect(try await users.send(.delete, ada.path, as: ada).status == .noContent)
            #expect(try await users.send(.get, ada.path, as: ada).status == .notFound)
            #expect(try await users.send(.get, ada.path + "/avatar").status == .notFound)
            try await eventually { AvatarTests().storedObjects(users, ada).isEmpty }
            let deleted = try await users.bus.waitForEvents(ofType: "user.deleted")
            #expect(deleted.last?.data["userId"].flatMap { $0.stringValue }.flatMap(UUID.init(uuidString:)) == ada.id)

            // The registration event delivered again (a replay, a slow consumer) changes nothing.
            let registration = try #require(try await users.bus.events(ofType: "user.registered").first { $0.subject == ada.id.lowercasedText })
            var replay = registration
            replay.id = UUIDv7.make()
            try await users.bus.publish(replay)
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await users.send(.get, ada.path, as: ada).status == .notFound)
        }
    }
}

@Suite struct ActivityTests {
    @Test func eventsFromTheFleetBuildTheTimelineAndStatsOnceEach() async throws {
        try await UserHarness.run { users in
            let ada = try await users.register("Ada Lovelace")
            let subject = ada.id.lowercasedText
            let about: [String: JSONValue] = ["userId": .string(subject)]
            try await users.bus.publish("user.logged_in", source: "auth-service", subject: subject,
                                        data: about.merging(["method": .string("password")]) { $1 })
            let enrolled = try await users.bus.publish("enrollment.created", source: "enrollment-service", subject: subject,
                                                      data: about.merging(["courseId": .string(UUID().uuidString)]) { $1 })
            try await users.bus.publish(enrolled)  // redelivered: counted once
            try await users.bus.publish("certificate.issued", source: "certificate-service", subject: subject, data: about)

            try await eventually {
                try await users.send(.get, ada.path + "/activity", as: ada).items.count == 4
            }
            let timeline = try await users.send(.get, ada.path + "/activity?limit=2", as: ada)
            #expect(timeline.items.map { $0["type"] as? String } == ["certificate.issued", "enrollment.created"])
            let rest = try await users.send(.get, ada.path + "/activity?cursor=\(try #require(timeline["nextCursor"]))", as: ada)
            #expect(rest.items.map { $0["type"] as? String } == ["user.logged_in", "user.registered"])

            let stats = try await users.send(.get, ada.path + "/stats", as: ada)
            #expect(stats.json["loginCount"] as? Int == 1)
            #expect(stats.json["coursesEnrolled"] as? Int == 1 && stats.json["certificatesEarned"] as? Int == 1)
            #expect(stats.json["activeDaysLast30"] as? Int == 1 && stats["lastLoginAt"] != nil)
            #expect(try await users.send(.get, ada.path + "/stats", as: try await users.register("Eve")).status == .forbidden)
        }
    }
}
