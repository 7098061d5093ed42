import Foundation
import JWTKit
import Shared
import TestSupport
import Testing

/// Teaching and learning a course, walked through the gateway with the real executables of the
/// gateway, auth-service, user-service, course-service and enrollment-service on a real
/// PostgreSQL and Redis: the proof, step by step.
@Suite struct LearningJourneyTests {
    @Test func aCourseWithTwoSeatsIsTaughtWaitlistedCompletedAndCertified() async throws {
        let fleet = try await TestFleet.start(["auth-service", "user-service", "course-service", "enrollment-service"])
        defer { fleet.stop() }
        let api = fleet.api

        // Four people sign up; the administrator makes one of them an instructor, and the new
        // role is in the instructor's next token once auth-service has heard of it.
        let admin = try await fleet.adminToken()
        let teacher = try await fleet.signUpInstructor("Ada Instructor", admin: admin).token
        let learners = [try await fleet.signUp("Zoë Ångström"), try await fleet.signUp("Brian Second"), try await fleet.signUp("Chidi Third")]

        // The instructor builds a free course with two seats and three lessons and submits it;
        // the administrator publishes it.
        let created = try await api.send(.POST, "/courses", json: [
            "title": "Server-side Swift", "description": "From zero to a running service.", "category": "programming",
            "level": "beginner", "language": "en", "price": ["amount": 0, "currency": "USD"], "capacity": 2,
        ], token: teacher)
        #expect(created.status == 201, "\(created.text)")
        let courseId = try #require(created["id"])
        let module = try await api.send(.POST, "/courses/\(courseId)/modules", json: ["title": "Basics"], token: teacher)
        let moduleId = try #require(module["id"], "\(module.text)")
        for (index, title) in ["Packages", "Routing", "Persistence"].enumerated() {
            let lesson = try await api.send(.POST, "/courses/\(courseId)/modules/\(moduleId)/lessons", json: [
                "title": title, "kind": "text", "durationMinutes": 10 + index, "body": "Read about \(title.lowercased()).",
            ], token: teacher)
            #expect(lesson.status == 201, "\(lesson.text)")
        }
        #expect(try await api.send(.POST, "/courses/\(courseId)/publish", token: teacher).status == 403)
        #expect(try await api.send(.POST, "/courses/\(courseId)/submit", token: teacher).status == 200)
        #expect(try await api.send(.POST, "/courses/\(courseId)/publish", token: admin).status == 200)
        // Visitors see it without signing in.
        let course = try await api.send(.GET, "/courses/\(courseId)")
        #expect(course.status == 200 && course["status"] == "published", "\(course.text)")
        let lessonIds = ((course.json["modules"] as? [[String: Any]])?.first?["lessons"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
        #expect(lessonIds.count == 3)

        // Three learners enroll in two seats: the third waits, first in line.
        let first = try await api.send(.POST, "/enrollments", json: ["courseId": courseId], token: learners[0].token)
        let second = try await api.send(.POST, "/enrollments", json: ["courseId": courseId], token: learners[1].token)
        let third = try await api.send(.POST, "/enrollments", json: ["courseId": courseId], token: learners[2].token)
        #expect(first.status == 201 && first["status"] == "active", "\(first.text)")
        #expect(second.status == 201 && second["status"] == "active", "\(second.text)")
        #expect(third.status == 202, "\(third.text)")
        let waiting = try await api.send(.GET, "/courses/\(courseId)/waitlist/me", token: learners[2].token)
        #expect((waiting.json["position"] as? Int) == 1 && waiting["status"] == "waiting", "\(waiting.text)")

        // The second learner cancels; the seat is offered to the third, who accepts it.
        let secondId = try #require(second["id"])
        #expect(try await api.send(.DELETE, "/enrollments/\(secondId)", token: learners[1].token).status == 200)
        let offered = try await api.send(.GET, "/courses/\(courseId)/waitlist/me", token: learners[2].token)
        #expect(offered["status"] == "offered" && offered["offerExpiresAt"] != nil, "\(offered.text)")
        let accepted = try await api.send(.POST, "/courses/\(courseId)/waitlist/me/accept", token: learners[2].token)
        #expect(accepted.status == 201 && accepted["status"] == "active", "\(accepted.text)")

        // The first learner completes every lesson; the enrollment completes and a certificate is issued.
        let enrollmentId = try #require(first["id"])
        for lessonId in lessonIds {
            let done = try await api.send(.PUT, "/enrollments/\(enrollmentId)/lessons/\(lessonId)", json: ["status": "completed"],
                                          token: learners[0].token)
            #expect(done.status == 200, "\(done.text)")
        }
        let enrollment = try await api.send(.GET, "/enrollments/\(enrollmentId)", token: learners[0].token)
        #expect(enrollment["status"] == "completed", "\(enrollment.text)")
        let certificate = try await api.send(.GET, "/enrollments/\(enrollmentId)/certificate", token: learners[0].token)
        #expect(certificate.status == 200, "\(certificate.text)")
        let certificateId = try #require(certificate["id"])
        let credential = try #require(certificate["credential"])
        #expect(certificate["learnerName"] == "Zoë Ångström" && certificate["courseTitle"] == "Server-side Swift")

        // The PDF opens in a standard reader and names the learner and the course.
        let pdf = try await api.send(.GET, "/certificates/\(certificateId)/pdf", token: learners[0].token)
        #expect(pdf.status == 200 && pdf.headers.first(name: "Content-Type") == "application/pdf")
        let text = try Self.pdfText(pdf.body)
        #expect(text.contains("Zoë Ångström") && text.contains("Server-side Swift"), "\(text)")
        #expect(try await api.send(.GET, "/certificates/\(certificateId)/pdf", token: learners[1].token).status == 403)

        // Anyone verifies it without signing in, online or offline with the published keys; a
        // tampered copy fails.
        let verified = try await api.send(.GET, "/certificates/\(certificateId)/verify")
        #expect(verified.status == 200 && verified["status"] == "valid", "\(verified.text)")
        #expect(try await api.send(.POST, "/certificates/verify", json: ["credential": credential])["status"] == "valid")
        let keySet = try await api.send(.GET, "/.well-known/certificate-keys.json")
        let offline = try await JWTKeyCollection().add(jwksJSON: keySet.text)
        let payload = try await offline.verify(credential, as: CredentialClaims.self)
        #expect(payload.name == "Server-side Swift" && payload.jti.value == "urn:uuid:\(certificateId.lowercased())")
        let tampered = try Self.tamper(credential, replacing: "Zoë Ångström", with: "Mallory Forger")
        #expect(try await api.send(.POST, "/certificates/verify", json: ["credential": tampered])["status"] == "invalid")
        await #expect(throws: (any Error).self) { try await offline.verify(tampered, as: CredentialClaims.self) }

        // The learner may now review the course (course-service heard of the enrollment by event).
        let review = try await api.eventually(.POST, "/courses/\(courseId)/reviews", json: ["rating": 5, "text": "Clear and practical."],
                                              token: learners[0].token) { $0.status != 403 }
        #expect(review.status == 201, "\(review.text)")
        #expect((try await api.send(.GET, "/courses/\(courseId)").json["rating"] as? [String: Any])?["count"] as? Int == 1)

        // Revoked by an administrator, it verifies as revoked.
        #expect(try await api.send(.POST, "/certificates/\(certificateId)/revoke", json: ["reason": "issued in error"], token: admin).status == 200)
        #expect(try await api.send(.GET, "/certificates/\(certificateId)/verify")["status"] == "revoked")
        #expect(try await api.send(.POST, "/certificates/verify", json: ["credential": credential])["status"] == "revoked")
    }

    /// The registered claims a third party reads from the credential.
    struct CredentialClaims: JWTPayload {
        let name: String
        let jti: IDClaim
        let iss: IssuerClaim
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    static func tamper(_ token: String, replacing old: String, with new: String) throws -> String {
        let parts = token.split(separator: ".").map(String.init)
        let payload = String(decoding: try #require(Data(base64URLEncoded: parts[1])), as: UTF8.self)
        #expect(payload.contains(old))
        return [parts[0], Data(payload.replacingOccurrences(of: old, with: new).utf8).base64URLEncodedString(), parts[2]]
            .joined(separator: ".")
    }

    static func pdfText(_ pdf: Data) throws -> String {
        let file = FileManager.default.temporaryDirectory.appending(path: "journey-\(UUID().uuidString).pdf")
        try pdf.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        process.arguments = [file.path, "-"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: text, as: UTF8.self)
    }
}
