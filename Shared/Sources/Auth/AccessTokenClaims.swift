import Foundation
import JWTKit

/// The claims of a platform access token, as auth-service signs them and every service reads
/// them: `sub`, `roles`, `org` where there is one, `exp`, `iat`, `jti`, and the issuer.
public struct AccessTokenClaims: JWTPayload, Equatable {
    /// The user's UUID, or `service:<name>`.
    public var sub: SubjectClaim
    /// The roles granted.
    public var roles: [String]
    /// The organisation the user acts for.
    public var org: String?
    /// When the token expires.
    public var exp: ExpirationClaim
    /// When it was issued.
    public var iat: IssuedAtClaim
    /// Its unique id.
    public var jti: IDClaim
    /// Who issued it.
    public var iss: IssuerClaim

    /// Creates claims.
    public init(subject: String, roles: [String], organization: String? = nil, issuedAt: Date, expiresAt: Date,
                id: String = UUID().lowercasedText, issuer: String) {
        sub = SubjectClaim(value: subject)
        self.roles = roles
        org = organization
        exp = ExpirationClaim(value: expiresAt)
        iat = IssuedAtClaim(value: issuedAt)
        jti = IDClaim(value: id)
        iss = IssuerClaim(value: issuer)
    }

    /// Checks the expiry, allowing a little clock skew between hosts.
    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired(currentDate: Date().addingTimeInterval(-Self.clockSkewAllowance))
    }

    /// Seconds of clock difference between hosts tolerated when checking expiry.
    public static let clockSkewAllowance: TimeInterval = 30
}
