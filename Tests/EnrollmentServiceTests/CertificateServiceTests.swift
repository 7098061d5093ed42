import Foundation
import HTTPTypes
import JWTKit
import Shared
import Testing
import TestSupport

@testable import EnrollmentService

/// Certificates as the service issues and serves them: on completion, once, in the learner's
/// registered name; read by their holder; verified by anyone; revoked by administrators.
@Suite struct CertificateServiceTests {
    @Test func completingACourseIssuesOneCertificateInTheRegisteredName() async throws {
        try await EnrollmentHarness.run { h in
            let learner = try await h.learner()
            try await h.bus.publish("user.registered", source: "auth-service", subject: learner.id.lowercasedText, data: [
                "userId": .string(learner.id.uuidString), "email": "grace@example.com", "name": "Grace Hopper",
                "emailVerified": true, "roles": ["student"], "registeredAt": .string(Timestamp.format(Date())),
            ])
            try await eventually { try await h.count("SELECT count(*) FROM learners WHERE user_id = \(learner.id)") == 1 }
            let course = try await h.course(lessons: 2)
            let enrollmentId = try #require(try await h.enroll(learner, in: course)["id"])
            #expect(try await h.send(.get, "/enrollments/\(enrollmentId)/certificate", as: learner).code == "certificate_not_issued")
            try await h.complete(course.required, of: enrollmentId, as: learner)

            let certificate = try await h.send(.get, "/enrollments/\(enrollmentId)/certificate", as: learner)
            #expect(certificate.status == .ok, "\(certificate.text)")
            #expect(certificate["learnerName"] == "Grace Hopper" && certificate["status"] == "valid")
            #expect(certificate["courseTitle"] == "Course \(course.id.uuidString.prefix(8))")
            let id = try #require(certificate["id"])
            let issued = try await h.bus.waitForEvents(ofType: "certificate.issued")
            #expect(issued.count == 1 && issued.first?.subject == id.lowercased())

            // Forcing completion again changes nothing: still one certificate.
            _ = try await h.send(.post, "/enrollments/\(enrollmentId)/complete", as: h.admin)
            #expect(try await h.count("SELECT count(*) FROM certificates WHERE enrollment_id = \(UUID(uuidString: enrollmentId)!)") == 1)

            // The credential verifies offline against the published key set.
            let keys = try await h.send(.get, "/.well-known/certificate-keys.json")
            #expect(keys.status == .ok && keys.headers[.cacheControl] == "public, max-age=300")
            let verifier = try await JWTKeyCollection().add(jwksJSON: keys.text)
            let credential = try await verifier.verify(try #require(certificate["credential"]), as: OpenBadgeCredential.self)
            #expect(credential.certificateId?.uuidString == id && credential.credentialSubject.identifier.first?.identityHash == "Grace Hopper")

            // The holder lists and downloads it; another learner may not read it.
            let listed = try await h.send(.get, "/certificates", as: learner)
            #expect(listed.items.compactMap { $0["id"] as? String } == [id])
            let pdf = try await h.send(.get, "/enrollments/\(enrollmentId)/certificate?format=pdf", as: learner)
            #expect(pdf.status == .ok && pdf.headers[.contentType] == "application/pdf")
            #expect(pdf.body.starts(with: Data("%PDF-".utf8)))
            let stranger = try await h.learner()
            #expect(try await h.send(.get, "/certificates/\(id)", as: stranger).status == .forbidden)
            #expect(try await h.send(.get, "/certificates/\(id)/pdf", as: stranger).status == .forbidden)
            #expect(try await h.send(.get, "/certificates?userId=\(learner.id)", as: stranger).status == .forbidden)
        }
    }

    /// Verification needs no token: by id (valid, revoked or unknown) or by presenting the
    /// credential, which must be exactly the one issued.
    @Test func anyoneVerifiesAndAdministratorsRevoke() async throws {
        try await EnrollmentHarness.run { h in
            let learner = try await h.learner()
            let course = try await h.course(lessons: 1)
            let enrollmentId = try #require(try await h.enroll(learner, in: course)["id"])
            try await h.complete(course.required, of: enrollmentId, as: learner)
            let certificate = try await h.send(.get, "/enrollments/\(enrollmentId)/certificate", as: learner)
            // No registration was heard of: the name came from user-service.
            #expect(certificate["learnerName"] == EnrollmentHarness.standInName(learner.id))
            let id = try #require(certificate["id"]), credential = try #require(certificate["credential"])

            let byId = try await h.send(.get, "/certificates/\(id)/verify")
            #expect(byId.status == .ok && byId["status"] == "valid")
            #expect((byId.json["certificate"] as? [String: Any])?["learnerName"] as? String == EnrollmentHarness.standInName(learner.id))
            #expect(try await h.send(.get, "/certificates/\(UUID())/verify")["status"] == "unknown")
            #expect(try await h.send(.get, "/certificates/not-a-uuid/verify").status == .badRequest)

            #expect(try await h.send(.post, "/certificates/verify", json: ["credential": credential])["status"] == "valid")
            let tampered = try CertificateDocumentTests.replacing(EnrollmentHarness.standInName(learner.id), with: "Someone Else", in: credential)
            #expect(try await h.send(.post, "/certificates/verify", json: ["credential": tampered])["status"] == "invalid")
            #expect(try await h.send(.post, "/certificates/verify", json: ["credential": "not.a.jws"])["status"] == "invalid")
            let missing = try await h.send(.post, "/certificates/verify", json: [String: String]())
            #expect(missing.status == .unprocessableContent && missing.fields == ["credential"])

            #expect(try await h.send(.post, "/certificates/\(id)/revoke", json: ["reason": "mine"], as: learner).status == .forbidden)
            let noReason = try await h.send(.post, "/certificates/\(id)/revoke", json: ["reason": " "], as: h.admin)
            #expect(noReason.status == .unprocessableContent && noReason.fields == ["reason"])
            let revoked = try await h.send(.post, "/certificates/\(id)/revoke", json: ["reason": "academic misconduct"], as: h.admin)
            #expect(revoked.status == .ok && revoked["status"] == "revoked" && revoked["revocationReason"] == "academic misconduct")
            #expect(try await h.send(.post, "/certificates/\(id)/revoke", json: ["reason": "again"], as: h.admin).code == "certificate_already_revoked")
            #expect(try await h.send(.get, "/certificates/\(id)/verify")["status"] == "revoked")
            #expect(try await h.send(.post, "/certificates/verify", json: ["credential": credential])["status"] == "revoked")
            #expect(try await h.bus.waitForEvents(ofType: "certificate.revoked").first?.subject == id.lowercased())
        }
    }

    /// Names follow the newest event, whatever order events arrive in; erasure forgets the name.
    @Test func theNewestNameWinsAndErasureForgetsIt() async throws {
        try await EnrollmentHarness.run { h in
            let userId = UUID()
            let later = Date(), earlier = later.addingTimeInterval(-60)
            let profile = EventEnvelope(type: "user.profile_updated", source: "user-service", subject: userId.lowercasedText,
                                        json: ["userId": .string(userId.uuidString), "name": "New Name", "headline": ""],
                                        occurredAt: later)
            let registration = EventEnvelope(type: "user.registered", source: "auth-service", subject: userId.lowercasedText,
                                             json: ["userId": .string(userId.uuidString), "email": "x@example.com", "name": "Old Name",
                                                    "emailVerified": false, "roles": ["student"],
                                                    "registeredAt": .string(Timestamp.format(earlier))],
                                             occurredAt: earlier)
            try await h.bus.publish(profile)
            try await h.bus.publish(registration)
            // Both handled, in whichever order the two streams were read.
            let registered = [profile.id, registration.id]
            try await eventually { try await h.count("SELECT count(*) FROM handled_events WHERE event_id = ANY(\(registered))") == 2 }
            let name: String? = try await h.database.queryFirst("SELECT name FROM learners WHERE user_id = \(userId)")?.decode("name")
            #expect(name == "New Name")

            try await h.bus.publish("user.deleted", source: "user-service", subject: userId.lowercasedText,
                                    data: ["userId": .string(userId.uuidString)])
            try await eventually { try await h.count("SELECT count(*) FROM learners WHERE user_id = \(userId)") == 0 }
        }
    }
}
