import Foundation
import HTTPTypes
import Shared

/// Opens, reads and closes accounts.
struct AccountStore: Sendable {
    let database: Database
    let outbox: Outbox

    func find(_ id: UUID) async throws -> Account? {
        try await database.queryFirst("SELECT \(Account.columns) FROM accounts WHERE id = \(id)").map(Account.init(row:))
    }

    func require(_ id: UUID) async throws -> Account {
        guard let account = try await find(id) else { throw Problem.notFound("account", id: id) }
        return account
    }

    /// Opens the account; an order repeating an existing account (same id, or same owner, code
    /// and currency) returns that account with `created: false`, one differing from it is a 409.
    func open(_ order: AccountOrder) async throws -> (account: Account, created: Bool) {
        let (flags, ownerRef, metadata) = try order.validated()
        let id = order.id ?? UUIDv7.make()
        return try await database.transaction { transaction in
            let inserted = try await transaction.queryFirst("""
                INSERT INTO accounts (id, currency, type, owner_ref, code, metadata, debits_must_not_exceed_credits,
                                      credits_must_not_exceed_debits)
                VALUES (\(id), \(order.currency), \(order.type.rawValue), \(ownerRef), \(order.code), \(metadata),
                        \(flags.debitsMustNotExceedCredits), \(flags.creditsMustNotExceedDebits))
                ON CONFLICT DO NOTHING
                RETURNING \(Account.columns)
                """)
            if let inserted {
                let account = try Account(row: inserted)
                try await outbox.publish("ledger.account.created", subject: account.id.lowercasedText,
                                         data: AccountView(account), in: transaction)
                return (account, true)
            }
            guard let row = try await transaction.queryFirst("""
                SELECT \(Account.columns) FROM accounts
                WHERE id = \(id) OR (coalesce(owner_ref, '') = coalesce(\(ownerRef), '') AND code = \(order.code)
                                     AND currency = \(order.currency))
                ORDER BY id = \(id) DESC LIMIT 1
                """) else { throw Problem.conflict("account_exists", "the account was opened concurrently; try again") }
            let existing = try Account(row: row)
            let differences: [(String, Bool)] = [
                ("id", order.id.map { $0 != existing.id } ?? false), ("currency", existing.currency != order.currency),
                ("type", existing.type != order.type), ("ownerRef", existing.ownerRef != ownerRef),
                ("code", existing.code != order.code), ("flags", existing.flags != flags),
                ("metadata", existing.metadata != metadata),
            ]
            if let field = differences.first(where: \.1)?.0 {
                throw Problem(.conflict, code: "exists_with_different_fields",
                              detail: "account \(existing.id) already exists with a different \(field)",
                              fieldErrors: [FieldError(field: field, message: "differs from the existing account")],
                              extensions: ["existingId": .string(existing.id.lowercasedText)])
            }
            return (existing, false)
        }
    }

    /// Closes the account to new transfers; refused while transfers against it are pending.
    func close(_ id: UUID) async throws -> Account {
        try await database.transaction { transaction in
            guard let row = try await transaction.queryFirst("SELECT \(Account.columns) FROM accounts WHERE id = \(id) FOR UPDATE") else {
                throw Problem.notFound("account", id: id)
            }
            var account = try Account(row: row)
            if account.closed { return account }
            if account.totals.debitsPending != 0 || account.totals.creditsPending != 0 {
                throw LedgerRefusal.hasPendingTransfers(account: id)
            }
            try await transaction.execute("UPDATE accounts SET closed = true WHERE id = \(id)")
            account.closed = true
            try await outbox.publish("ledger.account.closed", subject: id.lowercasedText, data: AccountView(account), in: transaction)
            return account
        }
    }

    /// Accounts filtered by owner, currency, type and code, in id order.
    func list(ownerRef: String?, currency: String?, type: AccountType?, code: String?, after: UUID?, limit: Int) async throws -> [Account] {
        var filters: [SQL] = ["true"]
        if let ownerRef { filters.append("owner_ref = \(OwnerRef.normalized(ownerRef))") }
        if let currency { filters.append("currency = \(currency)") }
        if let type { filters.append("type = \(type.rawValue)") }
        if let code { filters.append("code = \(code)") }
        if let after { filters.append("id > \(after)") }
        return try await database.query("""
            SELECT \(Account.columns) FROM accounts WHERE \(SQL(joining: filters, separator: " AND "))
            ORDER BY id LIMIT \(limit + 1)
            """).map(Account.init(row:))
    }
}
