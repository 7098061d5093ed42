import Foundation

/// Who is calling: a user or a service, with the roles its access token grants.
public struct Principal: Sendable, Equatable {
    /// The token's subject: a user's UUID, or `service:<name>` for a service.
    public let subject: String
    /// The roles granted (`student`, `instructor`, `admin`, `service`, organisation roles).
    public let roles: Set<Role>
    /// The organisation the user acts for, if any.
    public let organizationId: UUID?
    /// The token's id (`jti`).
    public let tokenId: String
    /// When the token expires.
    public let expiresAt: Date

    /// Creates a principal.
    public init(subject: String, roles: Set<Role>, organizationId: UUID? = nil, tokenId: String, expiresAt: Date) {
        self.subject = subject
        self.roles = roles
        self.organizationId = organizationId
        self.tokenId = tokenId
        self.expiresAt = expiresAt
    }

    /// The user's id, when the caller is a user.
    public var userId: UUID? { UUID(uuidString: subject) }

    /// The calling service's fleet name, when the caller is a service.
    public var serviceName: String? {
        subject.hasPrefix(Self.servicePrefix) ? String(subject.dropFirst(Self.servicePrefix.count)) : nil
    }

    /// Whether the caller holds the role.
    public func has(_ role: Role) -> Bool { roles.contains(role) }

    /// Whether the caller is an administrator.
    public var isAdmin: Bool { has(.admin) }

    /// Whether the caller is one of the fleet's services.
    public var isService: Bool { serviceName != nil && has(.service) }

    /// The subject prefix of service principals.
    public static let servicePrefix = "service:"
}

/// A role named in an access token.
public struct Role: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }

    /// A learner; every registered user has it.
    public static let student: Role = "student"
    /// Creates and teaches courses.
    public static let instructor: Role = "instructor"
    /// Administers the platform.
    public static let admin: Role = "admin"
    /// One of the fleet's own services, calling with service credentials.
    public static let service: Role = "service"
}
