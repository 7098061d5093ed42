import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import EnrollmentService

@Suite struct OpenAPIDocumentTests {
    /// The service serves its OpenAPI 3.1 document, and the document lists every route it serves.
    @Test func theServedDocumentListsEveryRoute() async throws {
        try await EnrollmentHarness.run { h in
            let document = try await h.send(.get, "/openapi.yaml")
            #expect(document.status == .ok)
            #expect(document.text.hasPrefix("openapi: 3.1.0"))
            let paths = [
                "/enrollments", "/enrollments/{id}", "/enrollments/{id}/progress", "/enrollments/{id}/lessons/{lessonId}",
                "/enrollments/{id}/complete", "/courses/{courseId}/waitlist", "/courses/{courseId}/waitlist/me",
                "/courses/{courseId}/waitlist/me/accept", "/courses/{courseId}/waitlist/me/decline",
                "/.well-known/certificate-keys.json", "/certificates", "/certificates/verify", "/certificates/{id}",
                "/certificates/{id}/pdf", "/certificates/{id}/verify", "/certificates/{id}/revoke", "/enrollments/{id}/certificate",
            ] + ["timeline", "funnel", "completion", "drop-off", "waitlist"].map { "/enrollments/analytics/courses/{courseId}/\($0)" }
            for path in paths {
                #expect(document.text.contains("\n  \(path):\n"), "\(path) is not documented")
            }
        }
    }
}
