import Foundation

/// Authorisation checks for handlers: each returns the caller or throws the refusal (401 when
/// nobody is signed in, 403 when the caller may not do this).
extension AppRequestContext {
    /// The caller; 401 when the request carried no valid token.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw Problem.unauthenticated() }
        return principal
    }

    /// The caller, who must be a signed-in user (not a service).
    public func requireUser() throws -> (principal: Principal, userId: UUID) {
        let principal = try requirePrincipal()
        guard let userId = principal.userId else { throw Problem.forbidden("this action is for signed-in users") }
        return (principal, userId)
    }

    /// The caller, who must hold at least one of the roles.
    public func requireRole(_ roles: Role...) throws -> Principal {
        let principal = try requirePrincipal()
        guard roles.contains(where: principal.has) else {
            throw Problem.forbidden("this action needs the role \(roles.map(\.rawValue).joined(separator: " or "))")
        }
        return principal
    }

    /// The caller, who must be the user `ownerId` or an administrator.
    public func requireOwnerOrAdmin(_ ownerId: UUID) throws -> Principal {
        let principal = try requirePrincipal()
        guard principal.userId == ownerId || principal.isAdmin else {
            throw Problem.forbidden("only the owner or an administrator may do this")
        }
        return principal
    }

    /// The caller, who must be one of the fleet's services (optionally one of those named) or an
    /// administrator.
    public func requireServiceOrAdmin(_ services: String...) throws -> Principal {
        let principal = try requirePrincipal()
        if principal.isAdmin { return principal }
        guard principal.isService, services.isEmpty || services.contains(principal.serviceName ?? "") else {
            throw Problem.forbidden("only the platform's services or an administrator may do this")
        }
        return principal
    }
}
