import Foundation
import Shared

/// The events the ledger publishes, one per recorded transfer, with the transfer as payload:
///
/// | type | when |
/// |---|---|
/// | `ledger.transfer.posted` | a transfer was posted, at once or by posting a pending one (`pendingId` set) |
/// | `ledger.transfer.pending` | funds were reserved by a pending transfer |
/// | `ledger.transfer.voided` | a pending transfer was released without posting |
/// | `ledger.transfer.expired` | a pending transfer timed out and was released |
/// | `ledger.account.created` | an account was opened |
/// | `ledger.account.closed` | an account was closed |
enum LedgerEvents {
    static let source = "azora-ledger"

    static func type(of kind: TransferKind) -> String {
        switch kind {
        case .single, .post: "ledger.transfer.posted"
        case .pending: "ledger.transfer.pending"
        case .void: "ledger.transfer.voided"
        case .expire: "ledger.transfer.expired"
        }
    }

    /// The event of a recorded transfer. Built as JSON directly: a batch publishes thousands.
    static func envelope(for transfer: Transfer) -> EventEnvelope {
        var data: [String: JSONValue] = [
            "id": .string(transfer.id.uuidString.lowercased()),
            "kind": .string(transfer.kind.rawValue),
            "debitAccountId": .string(transfer.debitAccountId.uuidString.lowercased()),
            "creditAccountId": .string(transfer.creditAccountId.uuidString.lowercased()),
            // Exact: amounts are at most 2^53 - 1.
            "amount": .number(Double(transfer.amount)),
            "currency": .string(transfer.currency),
            "code": transfer.code.map(JSONValue.string) ?? .null,
            "metadata": transfer.metadata,
            "createdAt": .string(Timestamp.format(transfer.createdAt)),
        ]
        if let pendingId = transfer.pendingId { data["pendingId"] = .string(pendingId.uuidString.lowercased()) }
        if let reversalOf = transfer.reversalOf { data["reversalOf"] = .string(reversalOf.uuidString.lowercased()) }
        if let timeoutAt = transfer.timeoutAt { data["timeoutAt"] = .string(Timestamp.format(timeoutAt)) }
        return EventEnvelope(type: type(of: transfer.kind), source: source, subject: transfer.id.uuidString.lowercased(),
                             json: .object(data), occurredAt: transfer.createdAt)
    }
}
