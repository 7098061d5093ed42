import Foundation
import Shared
import Testing

@testable import AzoraLedger

@Suite struct ReportTests {
    @Test func theReportsAddUpAndComeAsJSONOrCSV() async throws {
        try await LedgerHarness.run { ledger in
            let learner = try await ledger.user()
            let bank = try await ledger.account(type: "asset", owner: "platform", code: "bank")
            let wallet = try await ledger.account(owner: learner.ownerRef, code: "wallet")
            let sales = try await ledger.account(type: "revenue", owner: "platform", code: "sales")
            let fees = try await ledger.account(type: "expense", owner: "platform", code: "card_fees")
            let start = Date().addingTimeInterval(-1)
            try await ledger.transfer(from: bank, to: wallet, 10000, code: "top_up")
            try await ledger.transfer(from: wallet, to: sales, 4900, code: "course_sale")
            try await ledger.transfer(from: fees, to: bank, 150, code: "card_fee")
            let between = Date()
            try await Task.sleep(for: .milliseconds(20))
            try await ledger.transfer(from: wallet, to: sales, 1000, code: "course_sale")
            let end = Date().addingTimeInterval(1)

            let trial = try await ledger.send(.get, "/ledger/reports/trial-balance?currency=USD", as: ledger.admin)
            let totals = try #require((trial.json["totals"] as? [[String: Any]])?.first)
            #expect(totals["debits"] as? Int == totals["credits"] as? Int && totals["balanced"] as? Bool == true)

            let sheet = try await ledger.send(.get, "/ledger/reports/balance-sheet", as: ledger.admin)
            let usd = try #require((sheet.json["currencies"] as? [[String: Any]])?.first)
            #expect(usd["totalAssets"] as? Int == 9850 && usd["totalLiabilities"] as? Int == 4100)
            #expect(usd["currentEarnings"] as? Int == 5750 && usd["balanced"] as? Bool == true)

            let period = "from=\(Timestamp.format(start))&to=\(Timestamp.format(end))"
            let income = try await ledger.send(.get, "/ledger/reports/income-statement?\(period)", as: ledger.admin)
            let statement = try #require((income.json["currencies"] as? [[String: Any]])?.first)
            #expect(statement["totalRevenue"] as? Int == 5900 && statement["totalExpenses"] as? Int == 150 && statement["netIncome"] as? Int == 5750)

            let categories = try await ledger.send(.get, "/ledger/reports/categories?\(period)", as: ledger.admin)
            let sale = (categories.json["lines"] as? [[String: Any]])?.first { $0["code"] as? String == "course_sale" }
            #expect(sale?["transfers"] as? Int == 2 && sale?["amount"] as? Int == 5900)
            let owners = try await ledger.send(.get, "/ledger/reports/owners?\(period)", as: ledger.admin)
            let mine = (owners.json["lines"] as? [[String: Any]])?.first { $0["ownerRef"] as? String == learner.ownerRef }
            #expect(mine?["debits"] as? Int == 5900 && mine?["credits"] as? Int == 10000)

            let csv = try await ledger.send(.get, "/ledger/reports/categories?\(period)&format=csv", as: ledger.admin)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.text.hasPrefix("code,currency,transfers,amount\r\n") && csv.text.contains("course_sale,USD,2,5900\r\n"))

            // The past: as of `between`, the second sale had not happened.
            #expect(try await ledger.balance(wallet, asOf: between).int("balance") == 5100)
            #expect(try await ledger.balance(wallet).int("balance") == 4100)
            let entries = try await ledger.send(.get, "/ledger/accounts/\(wallet)/entries?limit=2", as: learner)
            #expect(entries.items.count == 2 && entries.json["nextCursor"] is String)
            let cursor = try #require(entries.json["nextCursor"] as? String)
            let rest = try await ledger.send(.get, "/ledger/accounts/\(wallet)/entries?limit=2&cursor=\(cursor)", as: learner)
            #expect(rest.items.count == 1 && rest.items.first?["code"] as? String == "top_up")

            let badPeriod = try await ledger.send(.get, "/ledger/reports/income-statement?from=yesterday", as: ledger.admin)
            #expect(badPeriod.status == .unprocessableContent && badPeriod.fields == ["from"])
            #expect(try await ledger.send(.get, "/ledger/reports/trial-balance?currency=XYZ", as: ledger.admin).fields == ["currency"])
        }
    }
}
