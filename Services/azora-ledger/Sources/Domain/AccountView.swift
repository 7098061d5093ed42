import Foundation
import Shared

/// An account as the API shows it and its events carry it.
struct AccountView: Encodable, Sendable {
    let id: UUID
    let currency: String
    let type: AccountType
    let ownerRef: String?
    let code: String?
    let metadata: JSONValue
    let flags: [String]
    let closed: Bool
    let createdAt: Date
    let balance: Balance

    init(_ account: Account) {
        id = account.id
        currency = account.currency
        type = account.type
        ownerRef = account.ownerRef
        code = account.code
        metadata = account.metadata
        flags = account.flags.names
        closed = account.closed
        createdAt = account.createdAt
        balance = Balance(account.totals, type: account.type)
    }
}
