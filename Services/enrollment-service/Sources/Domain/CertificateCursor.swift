import Foundation

/// The cursor of a learner's certificate list.
struct CertificateCursor: Codable, Sendable {
    let issuedAt: Date
    let id: UUID
}
