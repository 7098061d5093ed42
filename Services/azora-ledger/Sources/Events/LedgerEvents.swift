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
}
