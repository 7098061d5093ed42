import Foundation
import Logging
import Shared

/// Certificates of completion: issued in the transaction that completes an enrollment, signed
/// as Open Badges 3.0 credentials, drawn as PDFs, verified by anyone, revoked by administrators.
final class CertificateBook: Sendable {
    let settings: CertificateSettings
    let signer: CredentialSigner
    private let database: Database
    private let outbox: Outbox
    private let learners: LearnerNames
    /// Asked for a learner's name when no `user.registered` event has told us yet.
    private let users: UserDirectory

    init(database: Database, outbox: Outbox, settings: CertificateSettings, learners: LearnerNames, users: UserDirectory) async throws {
        self.database = database
        self.outbox = outbox
        self.settings = settings
        self.learners = learners
        self.users = users
        signer = try await CredentialSigner(settings: settings)
    }

    /// Where anyone checks a certificate.
    func verifyURL(_ id: UUID) -> String {
        "\(settings.issuerURL)/certificates/\(id.lowercasedText)/verify"
    }

    /// Issues the certificate of a completed enrollment, in the transaction that completes it.
    /// Completing twice issues one certificate.
    @discardableResult
    func issue(_ completion: CompletedEnrollment, in transaction: Transaction) async throws -> Certificate {
        if let existing = try await transaction.queryFirst(
            "SELECT \(Certificate.columns) FROM certificates WHERE enrollment_id = \(completion.enrollmentId)")
        {
            return try Certificate(row: existing)
        }
        // Issued at the real time, not the fleet clock's: the credential's `nbf` is this instant,
        // and every verifier checks it against its own real clock.
        var certificate = Certificate(
            id: UUIDv7.make(), enrollmentId: completion.enrollmentId, userId: completion.userId, courseId: completion.courseId,
            learnerName: try await learnerName(completion.userId, in: transaction), courseTitle: completion.courseTitle,
            completedAt: completion.completedAt, issuedAt: Date(), keyId: signer.keyId, credential: "")
        certificate.credential = try await signer.sign(
            OpenBadgeCredential(certificate: certificate, issuerURL: settings.issuerURL, issuerName: settings.issuerName))
        try await transaction.execute("""
            INSERT INTO certificates (id, enrollment_id, user_id, course_id, learner_name, course_title, completed_at, issued_at,
                                      key_id, credential)
            VALUES (\(certificate.id), \(certificate.enrollmentId), \(certificate.userId), \(certificate.courseId),
                    \(certificate.learnerName), \(certificate.courseTitle), \(certificate.completedAt), \(certificate.issuedAt),
                    \(certificate.keyId), \(certificate.credential))
            """)
        try await outbox.publish("certificate.issued", subject: certificate.id.lowercasedText,
                                 data: CertificateEvent(certificate), in: transaction)
        return certificate
    }

    func certificate(_ id: UUID) async throws -> Certificate? {
        try await database.queryFirst("SELECT \(Certificate.columns) FROM certificates WHERE id = \(id)").map(Certificate.init(row:))
    }

    func certificate(enrollmentId: UUID) async throws -> Certificate? {
        try await database.queryFirst("SELECT \(Certificate.columns) FROM certificates WHERE enrollment_id = \(enrollmentId)")
            .map(Certificate.init(row:))
    }

    /// A learner's certificates, newest first, after the cursor's certificate.
    func certificates(of userId: UUID, after cursor: CertificateCursor?, limit: Int) async throws -> [Certificate] {
        let after: SQL = cursor.map { "AND (issued_at, id) < (\($0.issuedAt), \($0.id))" } ?? ""
        return try await database.query("""
            SELECT \(Certificate.columns) FROM certificates WHERE user_id = \(userId) \(after)
            ORDER BY issued_at DESC, id DESC LIMIT \(limit + 1)
            """).map(Certificate.init(row:))
    }

    /// Revokes a certificate for good; its credential then verifies as revoked.
    func revoke(_ id: UUID, reason: String) async throws -> Certificate {
        try await database.transaction { transaction in
            guard let row = try await transaction.queryFirst("""
                UPDATE certificates SET revoked_at = now(), revocation_reason = \(reason)
                WHERE id = \(id) AND revoked_at IS NULL RETURNING \(Certificate.columns)
                """)
            else {
                if try await transaction.queryFirst("SELECT 1 FROM certificates WHERE id = \(id)") != nil {
                    throw Problem.conflict("certificate_already_revoked", "the certificate is already revoked")
                }
                throw Problem.notFound("certificate", id: id)
            }
            let certificate = try Certificate(row: row)
            try await outbox.publish("certificate.revoked", subject: id.lowercasedText,
                                     data: CertificateEvent(certificate), in: transaction)
            return certificate
        }
    }

    /// What a presented credential is worth: its signature must check against a published key,
    /// it must name a certificate we issued, and be that certificate's credential exactly.
    func check(credential token: String) async throws -> Verification {
        let credential: OpenBadgeCredential
        do {
            credential = try await signer.verify(token)
        } catch {
            return Verification(status: .invalid, reason: "the signature does not check against any published key, or the credential is malformed")
        }
        guard let id = credential.certificateId, let certificate = try await certificate(id) else {
            return Verification(status: .unknown, reason: "no certificate with this id was issued here")
        }
        guard certificate.credential == token else {
            return Verification(status: .invalid, reason: "the credential differs from the one issued")
        }
        return Verification(certificate, verifyURL: verifyURL(id))
    }

    /// The learner's name: from the copy kept from user events, else from user-service.
    private func learnerName(_ userId: UUID, in transaction: Transaction) async throws -> String {
        if let name = try await learners.name(of: userId, in: transaction) { return name }
        return try await users.name(of: userId)
    }
}
