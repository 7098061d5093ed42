import Foundation
import Shared

/// Who may do what: the fleet's services and administrators write to the books and read all of
/// them; a user reads the accounts they own (`ownerRef` `user:<their id>`) and nothing else.
extension AppRequestContext {
    /// The caller, who must be allowed to write to the books.
    @discardableResult
    func requireLedgerWriter() throws -> Principal {
        try requireServiceOrAdmin()
    }

    /// Whether the caller reads everything.
    func readsAllAccounts() throws -> Bool {
        let principal = try requirePrincipal()
        return principal.isAdmin || principal.isService
    }

    /// The caller, who must be allowed to read the account.
    @discardableResult
    func requireReader(of account: Account) throws -> Principal {
        let principal = try requirePrincipal()
        if principal.isAdmin || principal.isService { return principal }
        guard let userId = principal.userId, account.ownerRef == OwnerRef.user(userId) else {
            throw Problem.forbidden("only the account's owner, the platform's services or an administrator may read it")
        }
        return principal
    }
}
