import Foundation

/// An account as this service keeps it.
struct Account: Sendable {
    let id: UUID
    let email: String
    let name: String
    let passwordHash: String?
    let emailVerified: Bool
    let roles: [String]
    let mfaEnabled: Bool
    let mfaSecret: Data?
    let mfaPendingSecret: Data?
    let mfaLastStep: Int64
    let failedLogins: Int
    let lockedUntil: Date?
    let createdAt: Date
}
