import Foundation

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
}
