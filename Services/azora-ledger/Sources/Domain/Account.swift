import Foundation
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
