import Foundation

/// One sign-in, as its user lists it: how and from where it began, and until when it lasts.
struct Session: Encodable, Sendable {
    let id: UUID
    let method: String
    let ip: String?
    let userAgent: String?
    let createdAt: Date
    let lastUsedAt: Date
    let expiresAt: Date
}
