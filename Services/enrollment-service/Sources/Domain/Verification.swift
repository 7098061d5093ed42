import Foundation

/// The answer to "is this certificate genuine?", as `GET /certificates/{id}/verify` and
/// `POST /certificates/verify` give it to anyone.
struct Verification: Encodable, Sendable, Equatable {
    enum Status: String, Codable, Sendable {
        /// Issued here, unchanged, not revoked.
        case valid
        /// Issued here, then revoked.
        case revoked
        /// No certificate with this id was issued here.
        case unknown
        /// A presented credential whose signature or content does not check.
        case invalid
    }

    /// What a verifier may see of a genuine certificate: enough to match it to the person
    /// showing it, nothing more.
    struct Summary: Codable, Sendable, Equatable {
        let id: UUID
        let learnerName: String
        let courseId: UUID
        let courseTitle: String
        let completedAt: Date
        let issuedAt: Date
        let revokedAt: Date?
        let revocationReason: String?
        let verifyURL: String
    }

    let status: Status
    let reason: String?
    let certificate: Summary?

    init(status: Status, reason: String) {
        self.status = status
        self.reason = reason
        certificate = nil
    }

    init(_ certificate: Certificate, verifyURL: String) {
        status = certificate.standing == .valid ? .valid : .revoked
        reason = certificate.standing == .valid ? nil : "revoked: \(certificate.revocationReason ?? "")"
        self.certificate = Summary(
            id: certificate.id, learnerName: certificate.learnerName, courseId: certificate.courseId,
            courseTitle: certificate.courseTitle, completedAt: certificate.completedAt, issuedAt: certificate.issuedAt,
            revokedAt: certificate.revokedAt, revocationReason: certificate.revocationReason, verifyURL: verifyURL)
    }
}
