import Foundation
import Hummingbird
import Shared

/// A ledger account with its running totals.
struct Account: Sendable, Equatable {
    let id: UUID
    let currency: String
    let type: AccountType
    let ownerRef: String?
    let code: String?
    let metadata: JSONValue
    let flags: AccountFlags
    var closed: Bool
    var totals: Totals
    let createdAt: Date

    /// Whether the account's limit flags allow a change: a change that grows its debits (or
    /// credits), pending or posted, may not take them past its posted credits (or debits).
    /// `next` is the totals with the change applied.
    func limitRefusal(_ change: Totals, next: Totals) -> LedgerRefusal? {
        // Every total is within 0...Int64.max, so Int128 sums cannot overflow.
        let growsDebits = Int128(change.debitsPosted) + Int128(change.debitsPending) > 0
        let growsCredits = Int128(change.creditsPosted) + Int128(change.creditsPending) > 0
        if flags.debitsMustNotExceedCredits, growsDebits,
            Int128(next.debitsPosted) + Int128(next.debitsPending) > Int128(next.creditsPosted) {
            return .exceedsCredits(account: id)
        }
        if flags.creditsMustNotExceedDebits, growsCredits,
            Int128(next.creditsPosted) + Int128(next.creditsPending) > Int128(next.debitsPosted) {
            return .exceedsDebits(account: id)
        }
        return nil
    }
}

extension Account {
    /// The columns `init(row:)` reads.
    static let columns: SQL = """
        id, currency, type, owner_ref, code, metadata, debits_must_not_exceed_credits, credits_must_not_exceed_debits,
        closed, debits_posted, credits_posted, debits_pending, credits_pending, created_at
        """

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        currency = try row.decode("currency")
        type = try row.decode("type")
        ownerRef = try row.decode("owner_ref")
        code = try row.decode("code")
        metadata = try row.decode("metadata")
        flags = AccountFlags(debitsMustNotExceedCredits: try row.decode("debits_must_not_exceed_credits"),
                             creditsMustNotExceedDebits: try row.decode("credits_must_not_exceed_debits"))
        closed = try row.decode("closed")
        totals = Totals(debitsPosted: try row.decode("debits_posted"), creditsPosted: try row.decode("credits_posted"),
                        debitsPending: try row.decode("debits_pending"), creditsPending: try row.decode("credits_pending"))
        createdAt = try row.decode("created_at")
    }
}

/// The balance limits an account can carry (TigerBeetle's account flags).
struct AccountFlags: Sendable, Equatable {
    /// Posted and pending debits may never exceed posted credits: a wallet cannot go negative.
    var debitsMustNotExceedCredits = false
    /// Posted and pending credits may never exceed posted debits.
    var creditsMustNotExceedDebits = false

    static let debitsName = "debitsMustNotExceedCredits"
    static let creditsName = "creditsMustNotExceedDebits"

    var names: [String] {
        (debitsMustNotExceedCredits ? [Self.debitsName] : []) + (creditsMustNotExceedDebits ? [Self.creditsName] : [])
    }
}

/// An account as the API shows it.
struct AccountView: ResponseEncodable, Sendable {
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
