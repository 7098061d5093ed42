import Foundation
import Shared

/// The financial reports, computed from the books: each is a list of lines plus totals per
/// currency, answered as JSON or (as its lines) as CSV.
///
/// Amounts are summed as PostgreSQL `numeric` and read as `Int128`: a sum over many accounts or
/// transfers passes Int64 long before any one account's totals do (`Totals.limit`), and a
/// `::bigint` cast of it would fail the report.
struct Reports: Sendable {
    let database: Database

    /// One account's posted position in a report.
    struct AccountLine: Encodable, Sendable {
        let accountId: UUID
        let code: String?
        let type: AccountType
        let ownerRef: String?
        let currency: String
        let debits: Int128
        let credits: Int128
        /// Debits minus credits for a debit-normal account, credits minus debits otherwise.
        let balance: Int128

        /// From a row with id, code, type, owner_ref, currency, debits and credits.
        init(row: PostgresRow) throws {
            accountId = try row.decode("id")
            code = try row.decode("code")
            type = try row.decode("type")
            ownerRef = try row.decode("owner_ref")
            currency = try row.decode("currency")
            debits = try row.decode("debits")
            credits = try row.decode("credits")
            balance = type.normalSide == .debit ? debits - credits : credits - debits
        }
    }

    /// Posted totals of every account, from the stored totals now or from the entries as of a time.
    func accountLines(asOf: Date?, currency: String?, types: [AccountType] = AccountType.allCases) async throws -> [AccountLine] {
        let typeNames = types.map(\.rawValue)
        let rows: [PostgresRow]
        if let asOf {
            rows = try await database.query("""
                SELECT a.id, a.code, a.type, a.owner_ref, a.currency,
                       coalesce(sum(e.debits_posted), 0) AS debits, coalesce(sum(e.credits_posted), 0) AS credits
                FROM accounts a LEFT JOIN entries e ON e.account_id = a.id AND e.created_at <= \(asOf)
                WHERE a.type = ANY(\(typeNames)::text[]) AND (\(currency)::text IS NULL OR a.currency = \(currency))
                GROUP BY a.id ORDER BY a.currency, a.type, a.code NULLS LAST, a.id
                """)
        } else {
            rows = try await database.query("""
                SELECT id, code, type, owner_ref, currency, debits_posted AS debits, credits_posted AS credits
                FROM accounts WHERE type = ANY(\(typeNames)::text[]) AND (\(currency)::text IS NULL OR currency = \(currency))
                ORDER BY currency, type, code NULLS LAST, id
                """)
        }
        return try rows.map(AccountLine.init(row:))
    }

    /// Each account's activity (posted debits and credits) within `[from, to)`.
    func periodLines(from: Date, to: Date, currency: String?, types: [AccountType]) async throws -> [AccountLine] {
        try await database.query("""
            SELECT a.id, a.code, a.type, a.owner_ref, a.currency,
                   sum(e.debits_posted) AS debits, sum(e.credits_posted) AS credits
            FROM entries e JOIN accounts a ON a.id = e.account_id
            WHERE e.created_at >= \(from) AND e.created_at < \(to) AND a.type = ANY(\(types.map(\.rawValue))::text[])
              AND (\(currency)::text IS NULL OR a.currency = \(currency))
            GROUP BY a.id HAVING sum(e.debits_posted) <> 0 OR sum(e.credits_posted) <> 0
            ORDER BY a.currency, a.type, a.code NULLS LAST, a.id
            """).map(AccountLine.init(row:))
    }

    /// Posted transfers by category code and currency within `[from, to)`.
    struct CategoryLine: Encodable, Sendable {
        let code: String?
        let currency: String
        let transfers: Int
        let amount: Int128
    }

    func categories(from: Date, to: Date, currency: String?) async throws -> [CategoryLine] {
        try await database.query("""
            SELECT code, currency, count(*)::bigint AS transfers, sum(amount) AS amount FROM transfers
            WHERE kind IN ('single', 'post') AND created_at >= \(from) AND created_at < \(to)
              AND (\(currency)::text IS NULL OR currency = \(currency))
            GROUP BY code, currency ORDER BY currency, code NULLS LAST
            """).map { row in
            CategoryLine(code: try row.decode("code"), currency: try row.decode("currency"),
                         transfers: try row.decode("transfers"), amount: try row.decode("amount"))
        }
    }

    /// Posted debits and credits by account owner and currency within `[from, to)`.
    struct OwnerLine: Encodable, Sendable {
        let ownerRef: String?
        let currency: String
        let debits: Int128
        let credits: Int128
    }

    func owners(from: Date, to: Date, currency: String?) async throws -> [OwnerLine] {
        try await database.query("""
            SELECT a.owner_ref, a.currency, sum(e.debits_posted) AS debits, sum(e.credits_posted) AS credits
            FROM entries e JOIN accounts a ON a.id = e.account_id
            WHERE e.created_at >= \(from) AND e.created_at < \(to) AND (\(currency)::text IS NULL OR a.currency = \(currency))
            GROUP BY a.owner_ref, a.currency HAVING sum(e.debits_posted) <> 0 OR sum(e.credits_posted) <> 0
            ORDER BY a.currency, a.owner_ref NULLS LAST
            """).map { row in
            OwnerLine(ownerRef: try row.decode("owner_ref"), currency: try row.decode("currency"),
                      debits: try row.decode("debits"), credits: try row.decode("credits"))
        }
    }
}
