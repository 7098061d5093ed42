import Foundation
import Shared
import TestSupport
import Testing

@testable import AzoraLedger

/// Totals at and past the limit through the API: refused transfers, and reports that add up
/// amounts past Int64 without trapping.
@Suite struct OverflowTests {
    static let max = TransferOrder.maxAmount

    /// The issue's crash: two new accounts, one batch of 1,024 transfers of the largest amount,
    /// then the trial balance and the integrity report (the process died on both). Another
    /// account's balance in the same currency is what made the trial balance's column overflow.
    @Test func aBatchThatWouldOverflowAnAccountIsRefusedAndTheReportsStillAnswer() async throws {
        try await LedgerHarness.run { ledger in
            let owners = try await ledger.account(type: "equity")
            let bank = try await ledger.account(type: "asset")
            #expect(try await ledger.transfer(from: bank, to: owners, 5000).status == .created)
            let a = try await ledger.account(type: "asset"), b = try await ledger.account(type: "liability")
            let batch = (0..<1024).map { _ in LedgerHarness.order(from: a, to: b, Self.max) }
            let refused = try await ledger.send(.post, "/ledger/transfers/batch", json: ["transfers": batch], as: ledger.service)
            #expect(refused.status == .conflict && refused.code == "batch_refused")
            let items = refused.json["refused"] as? [[String: Any]] ?? []
            #expect(items.count == 1023 && items.first?["index"] as? Int == 1)
            #expect(items.allSatisfy { $0["code"] as? String == "overflows_debits_posted" })
            #expect(try await ledger.balance(a).int("debitsPosted") == 0)

            let trial = try await ledger.send(.get, "/ledger/reports/trial-balance", as: ledger.admin)
            #expect(trial.status == .ok)
            let totals = try #require((trial.json["totals"] as? [[String: Any]])?.first)
            #expect(totals["debits"] as? Int == 5000 && totals["balanced"] as? Bool == true)
            let integrity = try await ledger.integrity()
            #expect(integrity.status == .ok && integrity.json["ok"] as? Bool == true)

            // One transfer of the largest amount fills both accounts; the next is refused with the slug.
            #expect(try await ledger.transfer(from: a, to: b, Self.max).status == .created)
            let next = try await ledger.transfer(from: a, to: b, 1)
            #expect(next.status == .conflict && next.code == "overflows_debits_posted")
            #expect(next.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            let pending = try await ledger.transfer(from: bank, to: b, 1, pending: true)
            #expect(pending.status == .conflict && pending.code == "overflows_credits_posted")
            #expect(try await ledger.balance(a).int("debitsPosted") == Self.max)
        }
    }

    /// 1,025 pairs of accounts each move the largest amount: every account is within the limit,
    /// but each report's column totals pass Int64 (1,025 × (2^53 − 1) > 2^63 − 1). They come out
    /// exact, as JSON integers and in CSV.
    @Test func reportsSumAmountsPastInt64Exactly() async throws {
        try await LedgerHarness.run { ledger in
            let pairs = 1025
            // Opened behind the service's back: two thousand accounts by HTTP would only slow the test.
            let ids: [UUID] = try await ledger.database.query("""
                INSERT INTO accounts (id, currency, type)
                SELECT gen_random_uuid(), 'EUR', CASE WHEN n % 2 = 0 THEN 'asset' ELSE 'liability' END
                FROM generate_series(0, \(2 * pairs - 1)) AS n RETURNING id
                """).map { try $0.decode("id") }
            let assets: [UUID] = try await ledger.database.query("SELECT id FROM accounts WHERE type = 'asset' AND currency = 'EUR'")
                .map { try $0.decode("id") }
            let liabilities = Set(ids).subtracting(assets).sorted { $0.uuidString < $1.uuidString }
            let batch = zip(assets, liabilities).map { LedgerHarness.order(from: $0, to: $1, Self.max, currency: "EUR", code: "big") }
            let recorded = try await ledger.send(.post, "/ledger/transfers/batch", json: ["transfers": batch], as: ledger.service)
            #expect(recorded.status == .created && recorded.int("recorded") == Int64(pairs))
            let sum = String(Int128(pairs) * Int128(Self.max))  // 9232379236109515775

            let trial = try await ledger.send(.get, "/ledger/reports/trial-balance?currency=EUR", as: ledger.admin)
            #expect(trial.status == .ok && trial.text.contains(#""debits":\#(sum)"#) && trial.text.contains(#""credits":\#(sum)"#))
            let sheet = try await ledger.send(.get, "/ledger/reports/balance-sheet?currency=EUR", as: ledger.admin)
            #expect(sheet.text.contains(#""totalAssets":\#(sum)"#) && sheet.text.contains(#""totalLiabilities":\#(sum)"#))
            let period = "from=\(Timestamp.format(Date().addingTimeInterval(-3600)))&to=\(Timestamp.format(Date().addingTimeInterval(3600)))"
            let categories = try await ledger.send(.get, "/ledger/reports/categories?\(period)&currency=EUR", as: ledger.admin)
            #expect(categories.status == .ok && categories.text.contains(#""amount":\#(sum)"#))
            let csv = try await ledger.send(.get, "/ledger/reports/categories?\(period)&currency=EUR&format=csv", as: ledger.admin)
            #expect(csv.text.contains("big,EUR,\(pairs),\(sum)\r\n"))
            let owners = try await ledger.send(.get, "/ledger/reports/owners?\(period)&currency=EUR", as: ledger.admin)
            #expect(owners.status == .ok && owners.text.contains(#""debits":\#(sum)"#))
            let integrity = try await ledger.integrity()
            #expect(integrity.json["ok"] as? Bool == true)
            #expect(integrity.text.contains(#""debitsPosted":\#(sum)"#) && integrity.text.contains(#""creditsPosted":\#(sum)"#))
        }
    }

    @Test func aConversionIntoAFullAccountIsRefusedWhole() async throws {
        try await LedgerHarness.run { ledger in
            let usd = try await ledger.account("USD", type: "asset")
            let source = try await ledger.account("USD")
            let full = try await ledger.account("EUR")
            let world = try await ledger.account("EUR", type: "equity")
            #expect(try await ledger.transfer(from: usd, to: source, 1000).status == .created)
            #expect(try await ledger.transfer(from: world, to: full, Self.max, currency: "EUR").status == .created)
            let conversion = try await ledger.send(.post, "/ledger/conversions", json: [
                "id": UUID().uuidString, "debitAccountId": source.uuidString, "creditAccountId": full.uuidString,
                "amount": 100, "rate": "0.9",
            ], as: ledger.service)
            #expect(conversion.status == .conflict && conversion.code == "overflows_credits_posted")
            #expect(try await ledger.balance(source).int("balance") == 1000)
            #expect(try await ledger.integrity().json["ok"] as? Bool == true)
        }
    }
}
