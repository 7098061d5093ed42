import Foundation
import Hummingbird
import Shared

/// A certificate as its holder sees it: the facts, its standing, the signed credential, and
/// where to check it.
struct CertificateView: ResponseEncodable, Sendable {
    let id: UUID
    let enrollmentId: UUID
    let userId: UUID
    let courseId: UUID
    let learnerName: String
    let courseTitle: String
    let completedAt: Date
    let issuedAt: Date
    let status: Certificate.Standing
    let revokedAt: Date?
    let revocationReason: String?
    /// The Open Badges 3.0 credential as a compact JWS (media type `application/vc+jwt`).
    let credential: String
    let keyId: String
    let verifyURL: String
    let keysURL: String
    let pdfPath: String

    init(_ certificate: Certificate, verifyURL: String, keysURL: String) {
        id = certificate.id
        enrollmentId = certificate.enrollmentId
        userId = certificate.userId
        courseId = certificate.courseId
        learnerName = certificate.learnerName
        courseTitle = certificate.courseTitle
        completedAt = certificate.completedAt
        issuedAt = certificate.issuedAt
        status = certificate.standing
        revokedAt = certificate.revokedAt
        revocationReason = certificate.revocationReason
        credential = certificate.credential
        keyId = certificate.keyId
        self.verifyURL = verifyURL
        self.keysURL = keysURL
        pdfPath = "/certificates/\(certificate.id.lowercasedText)/pdf"
    }
}
