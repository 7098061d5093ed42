import Foundation
import JWTKit
import Shared

/// A certificate as an Open Badges 3.0 `OpenBadgeCredential`, in the VC-JWT form of the
/// specification's section 8.2: the credential's members at the top of the JWT payload, with the
/// registered claims `iss`, `sub`, `jti` and `nbf` repeating its issuer, subject, id and
/// `validFrom`. Anyone with the key set from `/.well-known/certificate-keys.json` can check it
/// with any JWT library, without calling Azora.
struct OpenBadgeCredential: JWTPayload, Equatable {
    static let contexts = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]

    struct Profile: Codable, Equatable, Sendable {
        let id: String
        let type: [String]
        let name: String
        let url: String
    }

    struct Criteria: Codable, Equatable, Sendable {
        let narrative: String
    }

    struct Achievement: Codable, Equatable, Sendable {
        let id: String
        let type: [String]
        let achievementType: String
        let name: String
        let description: String
        let criteria: Criteria
    }

    /// How the subject is named: OB 3.0's IdentityObject with `identityType` "name", unhashed,
    /// so the holder's name is part of what the signature covers.
    struct Identity: Codable, Equatable, Sendable {
        let type: String
        let identityType: String
        let hashed: Bool
        let identityHash: String
    }

    struct Subject: Codable, Equatable, Sendable {
        let id: String
        let type: [String]
        let identifier: [Identity]
        let activityEndDate: String
        let achievement: Achievement
    }

    let context: [String]
    let id: String
    let type: [String]
    let issuer: Profile
    let validFrom: String
    let name: String
    let credentialSubject: Subject
    // Registered claims (RFC 7519) that section 8.2 requires.
    let iss: IssuerClaim
    let sub: SubjectClaim
    let jti: IDClaim
    let nbf: NotBeforeClaim

    enum CodingKeys: String, CodingKey {
        case context = "@context"
        case id, type, issuer, validFrom, name, credentialSubject, iss, sub, jti, nbf
    }

    init(certificate: Certificate, issuerURL: String, issuerName: String) {
        let issuerId = issuerURL
        let credentialId = "urn:uuid:\(certificate.id.lowercasedText)"
        let subjectId = "urn:uuid:\(certificate.userId.lowercasedText)"
        // Whole seconds, so the text and `nbf` say the same instant.
        let validFrom = Date(timeIntervalSince1970: certificate.issuedAt.timeIntervalSince1970.rounded(.down))
        context = Self.contexts
        id = credentialId
        type = ["VerifiableCredential", "OpenBadgeCredential"]
        issuer = Profile(id: issuerId, type: ["Profile"], name: issuerName, url: issuerURL)
        self.validFrom = Timestamp.format(validFrom)
        name = certificate.courseTitle
        credentialSubject = Subject(
            id: subjectId, type: ["AchievementSubject"],
            identifier: [Identity(type: "IdentityObject", identityType: "name", hashed: false, identityHash: certificate.learnerName)],
            activityEndDate: Timestamp.format(certificate.completedAt),
            achievement: Achievement(
                id: "\(issuerURL)/courses/\(certificate.courseId.lowercasedText)",
                type: ["Achievement"], achievementType: "CertificateOfCompletion", name: certificate.courseTitle,
                description: "Completion of the course \u{201C}\(certificate.courseTitle)\u{201D} on \(issuerName).",
                criteria: Criteria(narrative: "Completed every required lesson of the course.")))
        iss = IssuerClaim(value: issuerId)
        sub = SubjectClaim(value: subjectId)
        jti = IDClaim(value: credentialId)
        nbf = NotBeforeClaim(value: validFrom)
    }

    /// Signature checks are the key collection's; a credential has no expiry, and `nbf` only
    /// guards against one issued in the future.
    func verify(using algorithm: some JWTAlgorithm) async throws {
        try nbf.verifyNotBefore(currentDate: Date().addingTimeInterval(60))
    }

    /// The certificate this credential names, when `id` is an `urn:uuid:`.
    var certificateId: UUID? {
        id.hasPrefix("urn:uuid:") ? UUID(uuidString: String(id.dropFirst(9))) : nil
    }
}
