import Foundation
import Shared

/// What a transfer row is: posted at once, a reservation, or the resolution of a reservation.
enum TransferKind: String, Codable, Sendable {
    case single, pending, post, void, expire

    var pastTense: String {
        switch self {
        case .single, .post: "posted"
        case .pending: "reserved"
        case .void: "voided"
        case .expire: "expired"
        }
    }
}

/// A recorded transfer. Never changed once written.
struct Transfer: Encodable, JSONValueConvertible, Sendable, Equatable {
    let id: UUID
    let kind: TransferKind
    let debitAccountId: UUID
    let creditAccountId: UUID
    /// For a post: the amount posted; for a void or expiry: the amount released.
    let amount: Int64
    let currency: String
    let code: String?
    let metadata: JSONValue
    /// The pending transfer a post, void or expiry resolves.
    let pendingId: UUID?
    /// The transfer this one reverses.
    let reversalOf: UUID?
    let timeoutSeconds: Int?
    let timeoutAt: Date?
    let createdAt: Date

    var pending: Bool { kind == .pending }

    init(id: UUID, kind: TransferKind, debitAccountId: UUID, creditAccountId: UUID, amount: Int64, currency: String,
         code: String?, metadata: JSONValue, pendingId: UUID? = nil, reversalOf: UUID? = nil,
         timeoutSeconds: Int? = nil, timeoutAt: Date? = nil, createdAt: Date) {
        self.id = id
        self.kind = kind
        self.debitAccountId = debitAccountId
        self.creditAccountId = creditAccountId
        self.amount = amount
        self.currency = currency
        self.code = code
        self.metadata = metadata
        self.pendingId = pendingId
        self.reversalOf = reversalOf
        self.timeoutSeconds = timeoutSeconds
        self.timeoutAt = timeoutAt
        self.createdAt = createdAt
    }

    /// The change this transfer made to its debit and its credit account.
    /// - Parameter pendingAmount: for a post, void or expiry, the amount the pending transfer reserved.
    func changes(pendingAmount: Int64 = 0) -> (debit: Totals, credit: Totals) {
        switch kind {
        case .single:
            (Totals(debitsPosted: amount), Totals(creditsPosted: amount))
        case .pending:
            (Totals(debitsPending: amount), Totals(creditsPending: amount))
        case .post:
            (Totals(debitsPosted: amount, debitsPending: -pendingAmount),
             Totals(creditsPosted: amount, creditsPending: -pendingAmount))
        case .void, .expire:
            (Totals(debitsPending: -pendingAmount), Totals(creditsPending: -pendingAmount))
        }
    }

    /// The first total of its accounts, in TigerBeetle's order, that this transfer would take past
    /// `Totals.limit`, or `nil` when it fits.
    ///
    /// A new transfer is checked as TigerBeetle checks one: a pending transfer's pending totals
    /// first, then the posted totals (a pending transfer's too, since it may be posted in full),
    /// then pending and posted together. That last check keeps every account's pending plus posted
    /// debits, and credits, within the limit, so posting a pending transfer, which moves at most
    /// what it holds from pending to posted, cannot overflow: TigerBeetle checks nothing there. A
    /// post is checked anyway, against books written before the limit existed; voids and expiries
    /// only release.
    func overflow(debit: Totals, credit: Totals) -> AccountTotal? {
        // 128-bit sums: the totals may be anything an Int64 column holds.
        func over(_ parts: Int64...) -> Bool { parts.reduce(Int128.zero) { $0 + Int128($1) } > Int128(Totals.limit) }
        switch kind {
        case .single, .pending:
            if kind == .pending {
                if over(debit.debitsPending, amount) { return .debitsPending }
                if over(credit.creditsPending, amount) { return .creditsPending }
            }
            if over(debit.debitsPosted, amount) { return .debitsPosted }
            if over(credit.creditsPosted, amount) { return .creditsPosted }
            if over(debit.debitsPending, debit.debitsPosted, amount) { return .debits }
            if over(credit.creditsPending, credit.creditsPosted, amount) { return .credits }
        case .post:
            if over(debit.debitsPosted, amount) { return .debitsPosted }
            if over(credit.creditsPosted, amount) { return .creditsPosted }
        case .void, .expire:
            break
        }
        return nil
    }

    /// The wire form, written by the wire encoder without Foundation's `JSONEncoder`, which was
    /// a tenth of the ledger's CPU per single transfer; its `Encodable` form is the same document.
    var jsonValue: JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(id.uuidString), "kind": .string(kind.rawValue), "pending": .bool(pending),
            "debitAccountId": .string(debitAccountId.uuidString), "creditAccountId": .string(creditAccountId.uuidString),
            "amount": .number(Double(amount)), "currency": .string(currency), "code": code.map(JSONValue.string) ?? .null,
            "metadata": metadata, "createdAt": .string(Timestamp.format(createdAt)),
        ]
        if let pendingId { members["pendingId"] = .string(pendingId.uuidString) }
        if let reversalOf { members["reversalOf"] = .string(reversalOf.uuidString) }
        if let timeoutSeconds { members["timeoutSeconds"] = .number(Double(timeoutSeconds)) }
        if let timeoutAt { members["timeoutAt"] = .string(Timestamp.format(timeoutAt)) }
        return .object(members)
    }

    func encode(to encoder: any Encoder) throws {
        try jsonValue.encode(to: encoder)
    }
}
