import Foundation
import HTTPTypes
import Shared

/// Course facts from course-service (`GET /courses/{id}` with this service's credentials, which
/// see every course whatever its status): status, price, capacity, cohorts, prerequisites and
/// lessons, asked for whenever a decision needs them rather than copied.
struct CourseCatalog: Sendable {
    let peer: PeerClient

    /// The course, or `nil` when course-service does not know it.
    /// - Throws: 503 when course-service cannot be reached; 502 when it refuses the call or
    ///   answers something unreadable.
    func find(_ id: UUID) async throws -> Course? {
        do {
            return try await peer.get("/courses/\(id.lowercasedText)", as: Course.self)
        } catch PeerError.refused(_, 404, _) {
            return nil
        } catch let error as PeerError {
            throw Problem(.badGateway, code: "course_service_refused", detail: "\(error)")
        } catch is DecodingError {
            throw Problem(.badGateway, code: "course_service_unreadable", detail: "course-service answered a course detail this service cannot read")
        }
    }

    /// The course named in a path.
    /// - Throws: 404 when course-service does not know it.
    func require(_ id: UUID) async throws -> Course {
        guard let course = try await find(id) else { throw Problem.notFound("course", id: id) }
        return course
    }

    /// The course named in a request body.
    /// - Throws: 422 naming `field` when course-service does not know it.
    func require(_ id: UUID, field: String) async throws -> Course {
        guard let course = try await find(id) else { throw Problem.invalid(field, "course \(id) does not exist") }
        return course
    }
}
