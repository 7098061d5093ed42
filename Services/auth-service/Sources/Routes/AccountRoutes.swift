import Foundation
import Hummingbird
import PasswordHashing
import Shared

/// Registration, email verification and the password-reset flow.
struct AccountRoutes: Sendable {
    let accounts: AccountStore
    let hasher: PasswordHasher

    func add(to router: Router<AppRequestContext>) {
        router.post("/auth/register") { request, context in try await register(request, context) }
        router.post("/auth/verify-email") { request, context in try await verifyEmail(request, context) }
        router.post("/auth/forgot-password") { request, context in try await forgotPassword(request, context) }
        router.post("/auth/reset-password") { request, context in try await resetPassword(request, context) }
    }

    struct Registration: Decodable {
        let email: String
        let password: String
        let name: String
    }

    func register(_ request: Request, _ context: AppRequestContext) async throws -> EditedResponse<AccountView> {
        let input = try await request.decode(as: Registration.self, context: context)
        let email = try Credentials.email(input.email)
        let name = try Credentials.name(input.name)
        try Credentials.checkPassword(input.password)
        let hash = try await hasher.hash(input.password)
        let account = try await accounts.create(email: email, name: name, passwordHash: hash, verified: false, roles: ["student"])
        guard let account else { throw Problem.conflict("email_taken", "an account with this email exists") }
        return EditedResponse(status: .created, response: AccountView(account))
    }

    struct TokenInput: Decodable { let token: String }
    struct Verified: ResponseEncodable { let emailVerified: Bool }

    func verifyEmail(_ request: Request, _ context: AppRequestContext) async throws -> Verified {
        let input = try await request.decode(as: TokenInput.self, context: context)
        guard try await accounts.verifyEmail(token: input.token) else { throw AuthProblem.invalidToken("verification") }
        return Verified(emailVerified: true)
    }

    struct EmailInput: Decodable { let email: String }

    /// Always 202, so the answer does not tell whether an account exists.
    func forgotPassword(_ request: Request, _ context: AppRequestContext) async throws -> HTTPResponse.Status {
        let input = try await request.decode(as: EmailInput.self, context: context)
        try await accounts.requestPasswordReset(email: try Credentials.email(input.email))
        return .accepted
    }

    struct Reset: Decodable {
        let token: String
        let password: String
    }

    struct PasswordChanged: ResponseEncodable { let passwordChanged: Bool }

    /// Sets the new password and ends every session of the account.
    func resetPassword(_ request: Request, _ context: AppRequestContext) async throws -> PasswordChanged {
        let input = try await request.decode(as: Reset.self, context: context)
        try Credentials.checkPassword(input.password)
        let hash = try await hasher.hash(input.password)
        guard try await accounts.resetPassword(token: input.token, passwordHash: hash) else {
            throw AuthProblem.invalidToken("password reset")
        }
        return PasswordChanged(passwordChanged: true)
    }
}
