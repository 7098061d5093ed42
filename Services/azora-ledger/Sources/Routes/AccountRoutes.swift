import Foundation
import Hummingbird
import Shared

/// Accounts: open, list, read, close; and each account's balance and entry history.
struct AccountRoutes: Sendable {
    let accounts: AccountStore
    let reader: LedgerReader

    func add(to group: RouterGroup<AppRequestContext>) {
        group.post("/ledger/accounts") { request, context in
            try context.requireLedgerWriter()
            let order = try await request.decode(as: AccountOrder.self, context: context)
            let (account, created) = try await accounts.open(order)
            return EditedResponse(status: created ? .created : .ok, response: AccountView(account))
        }

        group.get("/ledger/accounts") { request, context in
            let page = try PageRequest(request, defaultLimit: 50, maxLimit: 200)
            var ownerRef = request.query("ownerRef")
            if try !context.readsAllAccounts() {
                // A user lists their own accounts only.
                let (_, userId) = try context.requireUser()
                let own = OwnerRef.user(userId)
                if let ownerRef, OwnerRef.normalized(ownerRef) != own {
                    throw Problem.forbidden("you may list only your own accounts")
                }
                ownerRef = own
            }
            let listed = try await accounts.list(
                ownerRef: ownerRef, currency: request.query("currency"), type: try request.queryEnum("type", as: AccountType.self),
                code: request.query("code"), after: try page.decodeCursor(UUID.self), limit: page.limit)
            return Page(items: listed.map(AccountView.init), limit: page.limit) { $0.id }
        }

        group.get("/ledger/accounts/:id") { _, context in
            let account = try await accounts.require(try context.parameters.require("id", as: UUID.self))
            try context.requireReader(of: account)
            return AccountView(account)
        }

        group.post("/ledger/accounts/:id/close") { _, context in
            try context.requireLedgerWriter()
            return AccountView(try await accounts.close(try context.parameters.require("id", as: UUID.self)))
        }

        group.get("/ledger/accounts/:id/balance") { request, context in
            let account = try await accounts.require(try context.parameters.require("id", as: UUID.self))
            try context.requireReader(of: account)
            let asOf = try request.queryDate("asOf")
            var totals = account.totals
            if let asOf { totals = try await reader.totals(of: account.id, asOf: asOf) }
            return AccountBalance(accountId: account.id, currency: account.currency, asOf: asOf,
                                  balance: Balance(totals, type: account.type))
        }

        group.get("/ledger/accounts/:id/entries") { request, context in
            let account = try await accounts.require(try context.parameters.require("id", as: UUID.self))
            try context.requireReader(of: account)
            let page = try PageRequest(request, defaultLimit: 50, maxLimit: 500)
            let lines = try await reader.entries(
                of: account.id, before: try page.decodeCursor(Int64.self), from: try request.queryDate("from"),
                to: try request.queryDate("to"), limit: page.limit)
            return Page(items: lines, limit: page.limit) { $0.position }
        }
    }
}

/// `GET /ledger/accounts/{id}/balance`: the balance fields at the top level, with the account.
struct AccountBalance: ResponseEncodable, Sendable {
    let accountId: UUID
    let currency: String
    let asOf: Date?
    let balance: Balance

    enum CodingKeys: String, CodingKey { case accountId, currency, asOf }

    func encode(to encoder: any Encoder) throws {
        try balance.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(accountId, forKey: .accountId)
        try container.encode(currency, forKey: .currency)
        try container.encodeIfPresent(asOf, forKey: .asOf)
    }
}

extension AccountView: ResponseEncodable {}
