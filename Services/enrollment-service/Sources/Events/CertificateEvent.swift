import Foundation

/// `certificate.issued` and `certificate.revoked`.
struct CertificateEvent: Encodable, Sendable {
    let certificateId: UUID
    let userId: UUID
    let courseId: UUID
    let enrollmentId: UUID
    let revocationReason: String?

    init(_ certificate: Certificate) {
        certificateId = certificate.id
        userId = certificate.userId
        courseId = certificate.courseId
        enrollmentId = certificate.enrollmentId
        revocationReason = certificate.revocationReason
    }
}
