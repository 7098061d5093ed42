import Foundation
import Shared

/// A certificate of completion, as stored and as served.
struct Certificate: Sendable, Equatable {
    let id: UUID
    let enrollmentId: UUID
    let userId: UUID
    let courseId: UUID
    let learnerName: String
    let courseTitle: String
    let completedAt: Date
    let issuedAt: Date
    /// The signing key's id (`kid`).
    let keyId: String
    /// The Open Badges 3.0 credential as a compact JWS, exactly as issued.
    var credential: String
    let revokedAt: Date?
    let revocationReason: String?

    /// What a verifier is told about it.
    enum Standing: String, Codable, Sendable {
        case valid, revoked
    }

    var standing: Standing { revokedAt == nil ? .valid : .revoked }

    static let columns: SQL = """
        id, enrollment_id, user_id, course_id, learner_name, course_title, completed_at, issued_at, key_id, credential,
        revoked_at, revocation_reason
        """

    init(id: UUID, enrollmentId: UUID, userId: UUID, courseId: UUID, learnerName: String, courseTitle: String,
         completedAt: Date, issuedAt: Date, keyId: String, credential: String, revokedAt: Date? = nil, revocationReason: String? = nil) {
        self.id = id
        self.enrollmentId = enrollmentId
        self.userId = userId
        self.courseId = courseId
        self.learnerName = learnerName
        self.courseTitle = courseTitle
        self.completedAt = completedAt
        self.issuedAt = issuedAt
        self.keyId = keyId
        self.credential = credential
        self.revokedAt = revokedAt
        self.revocationReason = revocationReason
    }

    init(row: PostgresRow) throws {
        self.init(
            id: try row.decode("id"), enrollmentId: try row.decode("enrollment_id"), userId: try row.decode("user_id"),
            courseId: try row.decode("course_id"), learnerName: try row.decode("learner_name"),
            courseTitle: try row.decode("course_title"), completedAt: try row.decode("completed_at"),
            issuedAt: try row.decode("issued_at"), keyId: try row.decode("key_id"), credential: try row.decode("credential"),
            revokedAt: try row.decode("revoked_at"), revocationReason: try row.decode("revocation_reason"))
    }
}
