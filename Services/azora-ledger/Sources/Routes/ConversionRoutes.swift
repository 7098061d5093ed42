import Foundation
import Hummingbird
import Shared

/// `POST /ledger/conversions`: money changing currency, as two transfers through the
/// platform's exchange accounts (`platform:exchange`, code `fx`, one per currency) at a
/// recorded rate, both recorded or neither.
struct ConversionRoutes: Sendable {
    let accounts: AccountStore
    let writer: PostingWriter

    struct Conversion: ResponseEncodable, Sendable {
        let id: UUID
        let rate: String
        let debitLeg: Transfer
        let creditLeg: Transfer
    }

    func add(to group: RouterGroup<AppRequestContext>) {
        group.post("/ledger/conversions") { request, context in
            try context.requireLedgerWriter()
            let order = try await request.decode(as: ConversionOrder.self, context: context)
            return try await convert(order)
        }
    }

    private func convert(_ order: ConversionOrder) async throws -> EditedResponse<Conversion> {
        let rate = try order.decimalRate()
        guard (1...TransferOrder.maxAmount).contains(order.amount) else {
            throw Problem.invalid("amount", "must be a whole number of minor units from 1 to \(TransferOrder.maxAmount)")
        }
        guard let debit = try await accounts.find(order.debitAccountId) else {
            throw LedgerRefusal.accountNotFound(field: "debitAccountId", id: order.debitAccountId)
        }
        guard let credit = try await accounts.find(order.creditAccountId) else {
            throw LedgerRefusal.accountNotFound(field: "creditAccountId", id: order.creditAccountId)
        }
        guard let from = Currency(code: debit.currency), let to = Currency(code: credit.currency), from != to else {
            throw Problem.invalid("creditAccountId", "keeps the same currency as the debit account; record a transfer instead")
        }
        let converted = ConversionOrder.convertedAmount(order.amount, rate: rate, from: from, to: to)
        guard converted >= 1, converted <= Decimal(TransferOrder.maxAmount) else {
            throw Problem.invalid("amount", "converts to \(converted) minor units of \(to), outside 1...\(TransferOrder.maxAmount)")
        }
        let creditAmount = NSDecimalNumber(decimal: converted).int64Value
        let exchangeFrom = try await exchangeAccount(in: from)
        let exchangeTo = try await exchangeAccount(in: to)
        var members: [String: JSONValue] = [:]
        if case .object(let given) = order.metadata ?? .object([:]) { members = given } else {
            throw Problem.invalid("metadata", "must be an object")
        }
        members["conversionId"] = .string(order.id.lowercasedText)
        members["rate"] = .string(order.rate)
        let legs = [
            TransferOrder(id: order.debitLegId, debitAccountId: debit.id, creditAccountId: exchangeFrom.id, amount: order.amount,
                          currency: from.code, code: order.code, metadata: .object(members)),
            TransferOrder(id: order.creditLegId, debitAccountId: exchangeTo.id, creditAccountId: credit.id, amount: creditAmount,
                          currency: to.code, code: order.code, metadata: .object(members)),
        ]
        let problems = legs.flatMap { $0.problems() }
        guard problems.isEmpty else { throw Problem.invalid(problems) }
        let outcomes: [CommandOutcome]
        do {
            outcomes = try await writer.apply(legs.map { .transfer($0) }, .allOrNothing)
        } catch let error as UnstorableCommands {
            throw error.problem(legs, fallback: "metadata")
        }
        for outcome in outcomes { if case .refused(let refusal) = outcome { throw refusal } }
        guard let debitLeg = outcomes[0].transfer, let creditLeg = outcomes[1].transfer else {
            throw Problem.conflict("conversion_incomplete", "the conversion was not recorded")
        }
        let created = outcomes.contains { if case .recorded = $0 { true } else { false } }
        return EditedResponse(status: created ? .created : .ok,
                              response: Conversion(id: order.id, rate: order.rate, debitLeg: debitLeg, creditLeg: creditLeg))
    }

    /// The platform's exchange account in a currency, opened on first use.
    private func exchangeAccount(in currency: Currency) async throws -> Account {
        try await accounts.open(AccountOrder(id: nil, currency: currency.code, type: .equity, ownerRef: "platform:exchange",
                                             code: "fx", flags: nil, metadata: nil)).account
    }
}
