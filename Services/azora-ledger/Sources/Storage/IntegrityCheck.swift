import Foundation
import Hummingbird
import Shared

/// Recomputes the books from their entries and compares: every account's stored totals with
/// the sum of its entries, every transfer's entries with each other, and debits with credits
/// across each currency. `ok` is true only when nothing disagrees.
struct IntegrityCheck: Sendable {
    let database: Database

    struct Report: ResponseEncodable, Sendable {
        let ok: Bool
        let checkedAt: Date
        let accounts: Int
        let transfers: Int
        let entries: Int
        /// Accounts whose stored totals differ from the sum of their entries.
        let mismatchedAccounts: [UUID]
        /// Transfers whose entries do not balance (debits moved ≠ credits moved, or not two
        /// entries); `ok` also needs exactly two entries per transfer overall.
        let unbalancedTransfers: [UUID]
        /// Accounts past a limit their flags set, or whose debits or credits, pending and posted
        /// together, pass `Totals.limit`.
        let limitViolations: [UUID]
        /// Per currency: total debits and credits, posted and pending, which must be equal.
        let currencies: [CurrencyTotals]
    }

    struct CurrencyTotals: Encodable, Sendable {
        let currency: String
        /// Sums over every account of the currency: `numeric` in PostgreSQL, `Int128` here, since
        /// they pass Int64 long before any one account's totals do.
        let debitsPosted: Int128
        let creditsPosted: Int128
        let debitsPending: Int128
        let creditsPending: Int128
        var balanced: Bool { debitsPosted == creditsPosted && debitsPending == creditsPending }

        enum CodingKeys: String, CodingKey { case currency, debitsPosted, creditsPosted, debitsPending, creditsPending, balanced }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(currency, forKey: .currency)
            try container.encode(debitsPosted, forKey: .debitsPosted)
            try container.encode(creditsPosted, forKey: .creditsPosted)
            try container.encode(debitsPending, forKey: .debitsPending)
            try container.encode(creditsPending, forKey: .creditsPending)
            try container.encode(balanced, forKey: .balanced)
        }
    }

    /// Runs the check on one consistent snapshot of the books.
    func run() async throws -> Report {
        try await database.transaction(.repeatableRead) { transaction in
            let mismatched: [UUID] = try await transaction.query("""
                SELECT a.id FROM accounts a
                LEFT JOIN (SELECT account_id, sum(debits_posted) AS dp, sum(credits_posted) AS cp,
                                  sum(debits_pending) AS dq, sum(credits_pending) AS cq
                           FROM entries GROUP BY account_id) s ON s.account_id = a.id
                WHERE a.debits_posted <> coalesce(s.dp, 0) OR a.credits_posted <> coalesce(s.cp, 0)
                   OR a.debits_pending <> coalesce(s.dq, 0) OR a.credits_pending <> coalesce(s.cq, 0)
                ORDER BY a.id LIMIT 100
                """).map { try $0.decode("id") }
            let unbalanced: [UUID] = try await transaction.query("""
                SELECT transfer_id FROM entries GROUP BY transfer_id
                HAVING sum(debits_posted) <> sum(credits_posted) OR sum(debits_pending) <> sum(credits_pending) OR count(*) <> 2
                ORDER BY transfer_id LIMIT 100
                """).map { try $0.decode("transfer_id") }
            let violations: [UUID] = try await transaction.query("""
                SELECT id FROM accounts
                WHERE (debits_must_not_exceed_credits AND debits_posted::numeric + debits_pending > credits_posted)
                   OR (credits_must_not_exceed_debits AND credits_posted::numeric + credits_pending > debits_posted)
                   OR debits_posted::numeric + debits_pending > \(Totals.limit)
                   OR credits_posted::numeric + credits_pending > \(Totals.limit)
                ORDER BY id LIMIT 100
                """).map { try $0.decode("id") }
            let currencies = try await transaction.query("""
                SELECT a.currency, coalesce(sum(e.debits_posted), 0) AS dp, coalesce(sum(e.credits_posted), 0) AS cp,
                       coalesce(sum(e.debits_pending), 0) AS dq, coalesce(sum(e.credits_pending), 0) AS cq
                FROM entries e JOIN accounts a ON a.id = e.account_id GROUP BY a.currency ORDER BY a.currency
                """).map { row in
                CurrencyTotals(currency: try row.decode("currency"), debitsPosted: try row.decode("dp"),
                               creditsPosted: try row.decode("cp"), debitsPending: try row.decode("dq"),
                               creditsPending: try row.decode("cq"))
            }
            let counts = try await transaction.queryFirst("""
                SELECT (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM transfers) AS transfers,
                       (SELECT count(*) FROM entries) AS entries, now() AS at
                """)
            let entryCount: Int = try counts?.decode("entries") ?? 0
            let transferCount: Int = try counts?.decode("transfers") ?? 0
            return Report(
                ok: mismatched.isEmpty && unbalanced.isEmpty && violations.isEmpty && currencies.allSatisfy(\.balanced)
                    && entryCount == 2 * transferCount,
                checkedAt: try counts?.decode("at") ?? Date(), accounts: try counts?.decode("accounts") ?? 0,
                transfers: transferCount, entries: entryCount,
                mismatchedAccounts: mismatched, unbalancedTransfers: unbalanced, limitViolations: violations,
                currencies: currencies)
        }
    }
}
