import Foundation
import Shared

/// An account as a client asks for it: `POST /ledger/accounts`.
struct AccountOrder: Decodable, Sendable {
    /// Chosen by the client, or made by the ledger.
    let id: UUID?
    let currency: String
    let type: AccountType
    let ownerRef: String?
    let code: String?
    let flags: [String]?
    let metadata: JSONValue?

    /// The order checked on its own; throws a 422 naming every field at fault.
    func validated() throws -> (flags: AccountFlags, ownerRef: String?, metadata: JSONValue) {
        var errors: [FieldError] = []
        if Currency(code: currency) == nil { errors.append(FieldError(field: "currency", message: "is not an ISO 4217 code the ledger knows (or AZR)")) }
        if let ownerRef, !OwnerRef.isValid(ownerRef) {
            errors.append(FieldError(field: "ownerRef", message: "must be user:<uuid>, course:<uuid>, organisation:<uuid> or platform[:<purpose>]"))
        }
        if let code, !TransferOrder.isValidCode(code) {
            errors.append(FieldError(field: "code", message: "must be 1 to 64 letters, digits, '_', '-', '.' or ':'"))
        }
        var flags = AccountFlags()
        for name in self.flags ?? [] {
            switch name {
            case AccountFlags.debitsName: flags.debitsMustNotExceedCredits = true
            case AccountFlags.creditsName: flags.creditsMustNotExceedDebits = true
            default: errors.append(FieldError(field: "flags", message: "\(name) is not a flag; flags are \(AccountFlags.debitsName) and \(AccountFlags.creditsName)"))
            }
        }
        if flags.debitsMustNotExceedCredits && flags.creditsMustNotExceedDebits {
            errors.append(FieldError(field: "flags", message: "an account can limit its debits or its credits, not both"))
        }
        let metadata = metadata ?? .object([:])
        if case .object = metadata {} else { errors.append(FieldError(field: "metadata", message: "must be an object")) }
        guard errors.isEmpty else { throw Problem.invalid(errors) }
        return (flags, ownerRef.map(OwnerRef.normalized), metadata)
    }
}
