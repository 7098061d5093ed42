import Foundation
import Hummingbird
import NIOCore
import NIOFoundationEssentialsCompat
import Shared

/// Transfers: record one (through the group committer), record a batch atomically, post, void
/// or reverse, and read them back.
struct TransferRoutes: Sendable {
    let committer: GroupCommitter
    let writer: PostingWriter
    let accounts: AccountStore
    let reader: LedgerReader
    let settings: LedgerSettings

    struct Batch: Decodable { let transfers: [TransferOrder] }
    struct PostRequest: Decodable {
        let amount: Int64?
        init(from decoder: any Decoder) throws {
            amount = try decoder.container(keyedBy: CodingKeys.self).decodeWholeNumberIfPresent(forKey: .amount)
        }
        private enum CodingKeys: String, CodingKey { case amount }
    }
    struct ReverseRequest: Decodable {
        let id: UUID
        let amount: Int64?
        let code: String?
        let metadata: JSONValue?
    }

    func add(to group: RouterGroup<AppRequestContext>) {
        group.post("/ledger/transfers") { request, context in
            try context.requireLedgerWriter()
            let order = try await request.decode(as: TransferOrder.self, context: context)
            let problems = order.problems()
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            return try Self.answer(try await committer.submit(.transfer(order)))
        }

        group.post("/ledger/transfers/batch") { request, context in
            try context.requireLedgerWriter()
            return try await recordBatch(request, context)
        }

        group.post("/ledger/transfers/:id/post") { request, context in
            try context.requireLedgerWriter()
            let id = try context.parameters.require("id", as: UUID.self)
            let body = try await Self.optionalBody(PostRequest.self, request, context)
            return try Self.answer(try await committer.submit(.post(pendingId: id, amount: body?.amount)))
        }

        group.post("/ledger/transfers/:id/void") { _, context in
            try context.requireLedgerWriter()
            let id = try context.parameters.require("id", as: UUID.self)
            return try Self.answer(try await committer.submit(.void(pendingId: id)))
        }

        group.post("/ledger/transfers/:id/reverse") { request, context in
            try context.requireLedgerWriter()
            let original = try await reader.transfer(try context.parameters.require("id", as: UUID.self))
            let body = try await request.decode(as: ReverseRequest.self, context: context)
            var metadata = body.metadata ?? .object([:])
            if case .object(var members) = metadata, members["reversalOf"] == nil {
                members["reversalOf"] = .string(original.id.lowercasedText)
                metadata = .object(members)
            }
            let order = TransferOrder(
                id: body.id, debitAccountId: original.creditAccountId, creditAccountId: original.debitAccountId,
                amount: body.amount ?? original.amount, currency: original.currency, code: body.code ?? original.code,
                metadata: metadata, reversalOf: original.id)
            let problems = order.problems()
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            return try Self.answer(try await committer.submit(.transfer(order)))
        }

        group.get("/ledger/transfers/:id") { _, context in
            let transfer = try await reader.transfer(try context.parameters.require("id", as: UUID.self))
            try await requireReader(of: transfer, context)
            let resolution = transfer.kind == .pending ? try await reader.resolution(of: transfer.id) : nil
            return TransferDetail(transfer: transfer, resolution: resolution)
        }

        group.get("/ledger/transfers") { request, context in
            let accountId = try request.queryUUID("accountId")
            if let accountId {
                try context.requireReader(of: try await accounts.require(accountId))
            } else {
                try context.requireLedgerWriter()
            }
            let page = try PageRequest(request, defaultLimit: 50, maxLimit: 500)
            let cursor = try page.decodeCursor(TransferCursor.self)
            let transfers = try await reader.transfers(
                accountId: accountId, code: request.query("code"), before: cursor.map { ($0.createdAt, $0.id) }, limit: page.limit)
            return Page(items: transfers, limit: page.limit) { TransferCursor(createdAt: $0.createdAt, id: $0.id) }
        }
    }

    struct TransferCursor: Codable { let createdAt: Date; let id: UUID }

    /// 201 with a new transfer, 200 with the original for a repeat, the refusal otherwise.
    static func answer(_ outcome: CommandOutcome) throws -> EditedResponse<Transfer> {
        switch outcome {
        case .recorded(let transfer): EditedResponse(status: .created, response: transfer)
        case .repeated(let transfer): EditedResponse(status: .ok, response: transfer)
        case .refused(let refusal): throw refusal
        }
    }

    /// Services and admins read any transfer; a user one that touches an account they own.
    private func requireReader(of transfer: Transfer, _ context: AppRequestContext) async throws {
        if try context.readsAllAccounts() { return }
        for accountId in [transfer.debitAccountId, transfer.creditAccountId] {
            if let account = try await accounts.find(accountId), (try? context.requireReader(of: account)) != nil { return }
        }
        throw Problem.forbidden("only the owner of one of the transfer's accounts, the platform's services or an administrator may read it")
    }

    private func recordBatch(_ request: Request, _ context: AppRequestContext) async throws -> EditedResponse<BatchResult> {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: settings.maxBatchBytes)
        } catch is NIOTooManyBytesError {
            throw Problem(.contentTooLarge, code: "body_too_large", detail: "a batch body may be at most \(settings.maxBatchBytes) bytes")
        }
        let batch = try WireJSONDecoder.decode(Batch.self, from: body)
        guard (1...settings.maxBatchSize).contains(batch.transfers.count) else {
            throw Problem.invalid("transfers", "must hold from 1 to \(settings.maxBatchSize) transfers")
        }
        let problems = batch.transfers.enumerated().flatMap { index, order in order.problems(prefix: "transfers[\(index)].") }
        guard problems.isEmpty else { throw Problem.invalid(problems) }
        let outcomes: [CommandOutcome]
        do {
            outcomes = try await writer.apply(batch.transfers.map { .transfer($0) }, .allOrNothing)
        } catch let error as UnstorableCommands {
            throw error.problem(batch.transfers, prefix: { "transfers[\($0)]." }, fallback: "transfers")
        }
        let refusals = outcomes.enumerated().compactMap { index, outcome -> (Int, LedgerRefusal)? in
            if case .refused(let refusal) = outcome { (index, refusal) } else { nil }
        }
        if !refusals.isEmpty {
            let items: [JSONValue] = refusals.map { index, refusal in
                ["index": .number(Double(index)), "code": .string(refusal.code), "detail": .string(refusal.detail)]
            }
            let status: HTTPResponse.Status = refusals.contains { $0.1.status == .unprocessableContent } ? .unprocessableContent : .conflict
            throw Problem(status, code: "batch_refused",
                          detail: "\(refusals.count) of \(outcomes.count) transfers were refused, so none was recorded",
                          fieldErrors: refusals.flatMap { index, refusal in
                              refusal.fieldErrors.map { FieldError(field: "transfers[\(index)].\($0.field)", message: $0.message) }
                          },
                          extensions: ["refused": .array(items)])
        }
        let result = BatchResult(outcomes: outcomes)
        return EditedResponse(status: result.recorded > 0 ? .created : .ok, response: result)
    }

    /// Decodes a JSON body that may be absent altogether.
    static func optionalBody<Body: Decodable>(_ type: Body.Type, _ request: Request, _ context: AppRequestContext) async throws -> Body? {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return nil }
        return try WireJSONDecoder.decode(Body.self, from: buffer)
    }
}

/// A pending transfer with what became of it.
struct TransferDetail: ResponseEncodable, Sendable {
    let transfer: Transfer
    let resolution: Transfer?

    enum CodingKeys: String, CodingKey { case status, resolution }

    func encode(to encoder: any Encoder) throws {
        try transfer.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        let status = transfer.kind == .pending ? (resolution?.kind.pastTense ?? "pending") : transfer.kind.pastTense
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(resolution, forKey: .resolution)
    }
}

/// `POST /ledger/transfers/batch`: each transfer's id and whether it was recorded now or
/// earlier, in order. Not the whole transfers: the client sent them, and echoing ten thousand
/// back would cost more than recording them. Written from `jsonValue` by the wire encoder, for
/// the same reason; its `Encodable` form is the same document.
struct BatchResult: ResponseEncodable, JSONValueConvertible, Sendable {
    struct Item: Sendable {
        let id: UUID
        let status: String
        let createdAt: Date

        init(status: String, transfer: Transfer) {
            id = transfer.id
            self.status = status
            createdAt = transfer.createdAt
        }
    }

    let recorded: Int
    let repeated: Int
    let transfers: [Item]

    init(outcomes: [CommandOutcome]) {
        var items: [Item] = []
        var recorded = 0
        for outcome in outcomes {
            switch outcome {
            case .recorded(let transfer):
                recorded += 1
                items.append(Item(status: "recorded", transfer: transfer))
            case .repeated(let transfer):
                items.append(Item(status: "repeated", transfer: transfer))
            case .refused:
                continue
            }
        }
        self.recorded = recorded
        repeated = items.count - recorded
        transfers = items
    }

    var jsonValue: JSONValue {
        .object([
            "recorded": .number(Double(recorded)),
            "repeated": .number(Double(repeated)),
            "transfers": .array(transfers.map { item in
                ["id": .string(item.id.uuidString), "status": .string(item.status), "createdAt": .string(Timestamp.format(item.createdAt))]
            }),
        ])
    }

    func encode(to encoder: any Encoder) throws {
        try jsonValue.encode(to: encoder)
    }
}

extension Transfer: ResponseEncodable {}
