import Foundation
import Shared

/// A transfer as a client asks for it: `POST /ledger/transfers` and each item of a batch.
struct TransferOrder: Decodable, Sendable, Equatable {
    /// Chosen by the client; repeating an order with the same id returns the original.
    let id: UUID
    let debitAccountId: UUID
    let creditAccountId: UUID
    /// Minor units (cents), a whole number from 1 to `maxAmount`.
    let amount: Int64
    let currency: String
    /// A category such as `course_sale` or `payout`, used by the reports.
    let code: String?
    /// Reserve now, post or void later.
    let pending: Bool
    /// How long a pending transfer may wait before it expires by itself.
    let timeoutSeconds: Int?
    let metadata: JSONValue
    /// The transfer this one corrects: same accounts, the other way round.
    let reversalOf: UUID?

    /// The largest amount: every JSON client, JavaScript included, reads integers up to 2^53 - 1 exactly.
    static let maxAmount: Int64 = (1 << 53) - 1
    /// The longest a pending transfer may wait (30 days).
    static let maxTimeoutSeconds = 30 * 24 * 3600
    static let maxMetadataBytes = 4096

    private enum CodingKeys: String, CodingKey {
        case id, debitAccountId, creditAccountId, amount, currency, code, pending, timeoutSeconds, metadata, reversalOf
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UUID.self, forKey: .id)
        debitAccountId = try container.decode(UUID.self, forKey: .debitAccountId)
        creditAccountId = try container.decode(UUID.self, forKey: .creditAccountId)
        amount = try container.decodeWholeNumber(forKey: .amount)
        currency = try container.decode(String.self, forKey: .currency)
        code = try container.decodeIfPresent(String.self, forKey: .code)
        pending = try container.decodeIfPresent(Bool.self, forKey: .pending) ?? false
        timeoutSeconds = try container.decodeIfPresent(Int.self, forKey: .timeoutSeconds)
        metadata = try container.decodeIfPresent(JSONValue.self, forKey: .metadata) ?? .object([:])
        reversalOf = try container.decodeIfPresent(UUID.self, forKey: .reversalOf)
    }

    init(id: UUID, debitAccountId: UUID, creditAccountId: UUID, amount: Int64, currency: String, code: String? = nil,
         pending: Bool = false, timeoutSeconds: Int? = nil, metadata: JSONValue = .object([:]), reversalOf: UUID? = nil) {
        self.id = id
        self.debitAccountId = debitAccountId
        self.creditAccountId = creditAccountId
        self.amount = amount
        self.currency = currency
        self.code = code
        self.pending = pending
        self.timeoutSeconds = timeoutSeconds
        self.metadata = metadata
        self.reversalOf = reversalOf
    }

    /// What is wrong with the order on its own, before the books are consulted; fields are
    /// named under `prefix` (`transfers[3].`) for a batch item.
    func problems(prefix: @autoclosure () -> String = "") -> [FieldError] {
        var errors: [FieldError] = []
        // The prefix is made only for an order with a problem, not for each of a batch's thousands.
        func refuse(_ field: String, _ message: String) { errors.append(FieldError(field: prefix() + field, message: message)) }
        if !(1...Self.maxAmount).contains(amount) { refuse("amount", "must be a whole number of minor units from 1 to \(Self.maxAmount)") }
        if Currency(code: currency) == nil { refuse("currency", "is not an ISO 4217 code the ledger knows (or AZR)") }
        if debitAccountId == creditAccountId { refuse("creditAccountId", "must differ from debitAccountId") }
        if let code, !Self.isValidCode(code) { refuse("code", "must be 1 to 64 letters, digits, '_', '-', '.' or ':'") }
        if case .object = metadata {
            // Measured as the wire writes it; Foundation's encoder, made for every order, cost more than the rest of the checks.
            if JSONText.write(metadata).utf8.count > Self.maxMetadataBytes {
                refuse("metadata", "must encode to at most \(Self.maxMetadataBytes) bytes")
            }
        } else {
            refuse("metadata", "must be an object")
        }
        if let timeoutSeconds {
            if !pending { refuse("timeoutSeconds", "applies to pending transfers only") }
            if !(1...Self.maxTimeoutSeconds).contains(timeoutSeconds) { refuse("timeoutSeconds", "must be from 1 to \(Self.maxTimeoutSeconds)") }
        }
        if pending && reversalOf != nil { refuse("reversalOf", "a reversal is posted at once, never pending") }
        return errors
    }

    /// Category codes, account codes: short, printable, no spaces.
    /// Checked as bytes, since every character allowed is ASCII: walking Characters (grapheme
    /// breaking, Unicode properties) cost more than the rest of a batch item's checks.
    static func isValidCode(_ code: String) -> Bool {
        (1...64).contains(code.utf8.count) && code.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ":"): true
            default: false
            }
        }
    }

    /// The JSON paths of the metadata's strings (keys or values) holding NUL (U+0000), which
    /// PostgreSQL cannot store: `metadata.note`, `metadata.lines[2]`.
    func fieldsHoldingNUL() -> [String] {
        var paths: [String] = []
        func visit(_ value: JSONValue, _ path: String) {
            switch value {
            case .string(let text) where text.unicodeScalars.contains("\u{0}"):
                paths.append(path)
            case .object(let members):
                for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                    if key.unicodeScalars.contains("\u{0}") { paths.append(path) }
                    visit(member, "\(path).\(key)")
                }
            case .array(let items):
                for (index, item) in items.enumerated() { visit(item, "\(path)[\(index)]") }
            default:
                break
            }
        }
        visit(metadata, "metadata")
        return paths
    }

    /// The first field in which a recorded transfer differs from this order, or `nil` when the
    /// order repeats it exactly.
    func firstDifference(from transfer: Transfer) -> String? {
        if transfer.kind != .single && transfer.kind != .pending { return "id" }
        if transfer.debitAccountId != debitAccountId { return "debitAccountId" }
        if transfer.creditAccountId != creditAccountId { return "creditAccountId" }
        if transfer.amount != amount { return "amount" }
        if transfer.currency != currency { return "currency" }
        if transfer.code != code { return "code" }
        if transfer.pending != pending { return "pending" }
        if transfer.timeoutSeconds != timeoutSeconds { return "timeoutSeconds" }
        if transfer.reversalOf != reversalOf { return "reversalOf" }
        if transfer.metadata != metadata { return "metadata" }
        return nil
    }
}
