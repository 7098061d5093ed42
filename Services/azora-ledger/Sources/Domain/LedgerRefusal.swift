import Foundation
import HTTPTypes
import Shared

/// Why the ledger refused a transfer or an account change. Each has a stable slug clients
/// branch on (`exceeds_credits`, `currency_mismatch`, `overflows_debits_posted`, …); 409 when the books' current state
/// forbids it, 422 when the request itself can never succeed.
enum LedgerRefusal: ProblemError, Equatable {
    case accountNotFound(field: String, id: UUID)
    case accountClosed(account: UUID)
    case currencyMismatch(field: String, expected: String, found: String)
    case exceedsCredits(account: UUID)
    case exceedsDebits(account: UUID)
    /// The transfer would take a total of the account past `Totals.limit`.
    case overflows(AccountTotal, account: UUID)
    case existsWithDifferentFields(id: UUID, field: String)
    case transferNotFound(field: String, id: UUID)
    case notPending(id: UUID)
    case pendingAlreadyResolved(id: UUID, resolution: TransferKind)
    case pendingExpired(id: UUID)
    case exceedsPendingAmount(pending: Int64)
    case notReversible(id: UUID, reason: String)
    case exceedsReversibleAmount(remaining: Int64)
    case hasPendingTransfers(account: UUID)

    var status: HTTPResponse.Status {
        switch self {
        case .transferNotFound(let field, _) where field == "id":
            .notFound
        case .accountNotFound, .currencyMismatch, .transferNotFound, .exceedsPendingAmount, .notReversible:
            .unprocessableContent
        default:
            .conflict
        }
    }

    var code: String {
        switch self {
        case .accountNotFound: "account_not_found"
        case .accountClosed: "account_closed"
        case .currencyMismatch: "currency_mismatch"
        case .exceedsCredits: "exceeds_credits"
        case .exceedsDebits: "exceeds_debits"
        case .overflows(let total, _): total.slug
        case .existsWithDifferentFields: "exists_with_different_fields"
        case .transferNotFound: "transfer_not_found"
        case .notPending: "not_pending"
        case .pendingAlreadyResolved(_, let resolution):
            switch resolution {
            case .void: "pending_already_voided"
            case .expire: "pending_expired"
            default: "pending_already_posted"
            }
        case .pendingExpired: "pending_expired"
        case .exceedsPendingAmount: "exceeds_pending_amount"
        case .notReversible: "not_reversible"
        case .exceedsReversibleAmount: "exceeds_reversible_amount"
        case .hasPendingTransfers: "has_pending_transfers"
        }
    }

    var detail: String {
        switch self {
        case .accountNotFound(_, let id): "account \(id) does not exist"
        case .accountClosed(let account): "account \(account) is closed"
        case .currencyMismatch(_, let expected, let found): "the account keeps \(found), the transfer is in \(expected)"
        case .exceedsCredits(let account): "the transfer would take account \(account)'s debits past its credits"
        case .exceedsDebits(let account): "the transfer would take account \(account)'s credits past its debits"
        case .overflows(let total, let account):
            "the transfer would take the \(total.words) of account \(account) past \(Totals.limit), the most an account's total may reach"
        case .existsWithDifferentFields(let id, let field): "transfer \(id) already exists with a different \(field)"
        case .transferNotFound(_, let id): "transfer \(id) does not exist"
        case .notPending(let id): "transfer \(id) is not a pending transfer"
        case .pendingAlreadyResolved(let id, let resolution): "pending transfer \(id) was already \(resolution.pastTense)"
        case .pendingExpired(let id): "pending transfer \(id) has expired"
        case .exceedsPendingAmount(let pending): "the amount to post exceeds the \(pending) pending"
        case .notReversible(let id, let reason): "transfer \(id) cannot be reversed: \(reason)"
        case .exceedsReversibleAmount(let remaining): "only \(remaining) of the original transfer is left to reverse"
        case .hasPendingTransfers(let account): "account \(account) still has pending transfers"
        }
    }

    var fieldErrors: [FieldError] {
        switch self {
        case .accountNotFound(let field, _), .currencyMismatch(let field, _, _), .transferNotFound(let field, _),
            .existsWithDifferentFields(_, let field):
            [FieldError(field: field, message: detail)]
        case .exceedsPendingAmount, .exceedsReversibleAmount:
            [FieldError(field: "amount", message: detail)]
        default:
            []
        }
    }
}
