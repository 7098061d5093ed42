import Foundation
import Shared
import Testing

@testable import AzoraLedger

@Suite struct TransferTests {
    @Test func aTransferMovesMoneyOnceAndARepeatReturnsTheOriginal() async throws {
        try await LedgerHarness.run { ledger in
            let learner = try await ledger.user()
            let cash = try await ledger.account(type: "asset", owner: "platform", code: "cash")
            let wallet = try await ledger.account(owner: learner.ownerRef, code: "wallet", flags: ["debitsMustNotExceedCredits"])
            let id = UUID()
            let first = try await ledger.transfer(id, from: cash, to: wallet, 2500, code: "top_up")
            #expect(first.status == .created && first["kind"] == "single" && first.int("amount") == 2500)
            let again = try await ledger.transfer(id, from: cash, to: wallet, 2500, code: "top_up")
            #expect(again.status == .ok && again["createdAt"] == first["createdAt"])
            let changed = try await ledger.transfer(id, from: cash, to: wallet, 2600, code: "top_up")
            #expect(changed.status == .conflict && changed.code == "exists_with_different_fields" && changed.fields == ["amount"])

            let balance = try await ledger.balance(wallet)
            #expect(balance.int("creditsPosted") == 2500 && balance.int("balance") == 2500 && balance.int("available") == 2500)
            #expect(try await ledger.balance(cash).int("balance") == 2500)

            let overdraft = try await ledger.transfer(from: wallet, to: cash, 2501)
            #expect(overdraft.status == .conflict && overdraft.code == "exceeds_credits")
            #expect(try await ledger.balance(wallet).int("balance") == 2500)

            // The event carries the transfer as the API answered it, and nothing else.
            let events = try await ledger.bus.waitForEvents(ofType: "ledger.transfer.posted")
            #expect(events.count == 1 && events.first?.subject == id.lowercasedText && events.first?.source == "azora-ledger")
            let payload: JSONValue = [
                "id": .string(id.lowercasedText), "kind": "single", "debitAccountId": .string(cash.lowercasedText),
                "creditAccountId": .string(wallet.lowercasedText), "amount": 2500, "currency": "USD", "code": "top_up",
                "metadata": [:], "createdAt": .string(first["createdAt"] ?? ""),
            ]
            #expect(events.first?.data == payload)
        }
    }

    /// A client retrying a purchase that did go through must get the purchase back, not a
    /// refusal because the wallet it emptied could not pay for it a second time.
    @Test func aRepeatIsAnsweredWithTheOriginalEvenWhenTheAccountCouldNotPayItAgain() async throws {
        try await LedgerHarness.run { ledger in
            let learner = try await ledger.user()
            let cash = try await ledger.account(type: "asset", owner: "platform", code: "cash")
            let wallet = try await ledger.account(owner: learner.ownerRef, code: "wallet", flags: ["debitsMustNotExceedCredits"])
            try await ledger.transfer(from: cash, to: wallet, 1000)
            let purchase = UUID()
            let first = try await ledger.transfer(purchase, from: wallet, to: cash, 1000, code: "purchase")
            #expect(first.status == .created)

            let again = try await ledger.transfer(purchase, from: wallet, to: cash, 1000, code: "purchase")
            #expect(again.status == .ok && again["id"] == first["id"] && again["createdAt"] == first["createdAt"], "\(again.text)")
            let batch = try await ledger.send(.post, "/ledger/transfers/batch", json: ["transfers": [
                LedgerHarness.order(purchase, from: wallet, to: cash, 1000, code: "purchase"),
                LedgerHarness.order(from: cash, to: wallet, 5),
            ]], as: ledger.service)
            #expect(batch.status == .created && batch.int("repeated") == 1 && batch.int("recorded") == 1, "\(batch.text)")
            #expect(try await ledger.balance(wallet).int("balance") == 5)
        }
    }

    @Test func badOrdersAreRefusedNamingTheFieldAndChangeNothing() async throws {
        try await LedgerHarness.run { ledger in
            let usd = try await ledger.account("USD")
            let eur = try await ledger.account("EUR")
            let missing = try await ledger.send(.post, "/ledger/transfers", json: ["id": UUID().uuidString, "debitAccountId": usd.uuidString], as: ledger.service)
            #expect(missing.status == .unprocessableContent && missing.fields == ["creditAccountId"])
            let fractional = try await ledger.send(.post, "/ledger/transfers", json: [
                "id": UUID().uuidString, "debitAccountId": usd.uuidString, "creditAccountId": eur.uuidString, "amount": 1.5, "currency": "USD",
            ], as: ledger.service)
            #expect(fractional.status == .unprocessableContent && fractional.fields == ["amount"], "\(fractional.text)")
            let invalid = try await ledger.send(.post, "/ledger/transfers", json: [
                "id": UUID().uuidString, "debitAccountId": usd.uuidString, "creditAccountId": usd.uuidString, "amount": -5, "currency": "usd",
            ], as: ledger.service)
            #expect(Set(invalid.fields) == ["amount", "currency", "creditAccountId"])
            let mismatch = try await ledger.transfer(from: usd, to: eur, 100)
            #expect(mismatch.status == .unprocessableContent && mismatch.code == "currency_mismatch" && mismatch.fields == ["creditAccountId"])
            let unknown = try await ledger.transfer(from: usd, to: UUID(), 100)
            #expect(unknown.code == "account_not_found" && unknown.fields == ["creditAccountId"])
            let badAccount = try await ledger.send(.post, "/ledger/accounts", json: ["currency": "ZZZ", "type": "cash", "ownerRef": "someone"], as: ledger.service)
            #expect(badAccount.status == .unprocessableContent && Set(badAccount.fields) == ["type"])
            let badFields = try await ledger.send(.post, "/ledger/accounts", json: [
                "currency": "ZZZ", "type": "asset", "ownerRef": "someone", "flags": ["debitsMustNotExceedCredits", "creditsMustNotExceedDebits"],
            ], as: ledger.service)
            #expect(Set(badFields.fields) == ["currency", "ownerRef", "flags"])
            let integrity = try await ledger.integrity()
            #expect(integrity.json["ok"] as? Bool == true && integrity.int("transfers") == 0)
        }
    }

    @Test func onlyServicesAndAdminsWriteAndUsersReadOnlyTheirOwnAccounts() async throws {
        try await LedgerHarness.run { ledger in
            let ada = try await ledger.user()
            let alan = try await ledger.user()
            let platform = try await ledger.account(type: "equity", owner: "platform")
            let wallet = try await ledger.account(owner: ada.ownerRef, code: "wallet")
            try await ledger.transfer(from: platform, to: wallet, 700)

            #expect(try await ledger.send(.get, "/ledger/accounts/\(wallet)/balance", as: ada).int("balance") == 700)
            #expect(try await ledger.send(.get, "/ledger/accounts/\(wallet)/entries", as: ada).items.count == 1)
            #expect(try await ledger.send(.get, "/ledger/accounts/\(wallet)/balance", as: alan).status == .forbidden)
            #expect(try await ledger.send(.get, "/ledger/accounts/\(platform)", as: ada).status == .forbidden)
            let mine = try await ledger.send(.get, "/ledger/accounts", as: ada)
            #expect(mine.items.map { ($0["id"] as? String).flatMap(UUID.init(uuidString:)) } == [wallet])
            #expect(try await ledger.send(.get, "/ledger/accounts?ownerRef=platform", as: ada).status == .forbidden)
            let steal = LedgerHarness.order(from: wallet, to: platform, 700)
            #expect(try await ledger.send(.post, "/ledger/transfers", json: steal, as: ada).status == .forbidden)
            #expect(try await ledger.send(.post, "/ledger/accounts", json: ["currency": "USD", "type": "asset"], as: ada).status == .forbidden)
            #expect(try await ledger.send(.get, "/ledger/reports/integrity", as: ada).status == .forbidden)
            #expect(try await ledger.send(.get, "/ledger/accounts/\(wallet)/balance").status == .unauthorized)
            #expect(try await ledger.send(.post, "/ledger/transfers", json: LedgerHarness.order(from: platform, to: wallet, 5), as: ledger.admin).status == .created)
        }
    }

    @Test func openingAnAccountTwiceReturnsItAndClosingStopsNewTransfers() async throws {
        try await LedgerHarness.run { ledger in
            let owner = "course:\(UUID().lowercasedText)"
            let body: [String: Any] = ["currency": "EUR", "type": "revenue", "ownerRef": owner, "code": "sales"]
            let opened = try await ledger.send(.post, "/ledger/accounts", json: body, as: ledger.service)
            let again = try await ledger.send(.post, "/ledger/accounts", json: body, as: ledger.service)
            #expect(opened.status == .created && again.status == .ok && again["id"] == opened["id"])
            var other = body
            other["type"] = "liability"
            let conflicting = try await ledger.send(.post, "/ledger/accounts", json: other, as: ledger.service)
            #expect(conflicting.status == .conflict && conflicting.fields == ["type"])

            let sales = try #require(opened["id"].flatMap(UUID.init(uuidString:)))
            let buyer = try await ledger.account("EUR", type: "asset")
            let hold = UUID()
            try await ledger.transfer(hold, from: buyer, to: sales, 100, currency: "EUR", pending: true)
            let busy = try await ledger.send(.post, "/ledger/accounts/\(sales)/close", as: ledger.service)
            #expect(busy.status == .conflict && busy.code == "has_pending_transfers")
            #expect(try await ledger.send(.post, "/ledger/transfers/\(hold)/void", as: ledger.service).status == .created)
            let closed = try await ledger.send(.post, "/ledger/accounts/\(sales)/close", as: ledger.service)
            #expect(closed.status == .ok && closed.json["closed"] as? Bool == true)
            let refused = try await ledger.transfer(from: buyer, to: sales, 100, currency: "EUR")
            #expect(refused.status == .conflict && refused.code == "account_closed")
        }
    }

    @Test func aReversalCorrectsAPostedTransferWithoutChangingIt() async throws {
        try await LedgerHarness.run { ledger in
            let buyer = try await ledger.account(type: "asset")
            let revenue = try await ledger.account(type: "revenue")
            let sale = UUID()
            try await ledger.transfer(sale, from: buyer, to: revenue, 4900, code: "course_sale")
            let refund = UUID()
            let partial = try await ledger.send(.post, "/ledger/transfers/\(sale)/reverse", json: ["id": refund.uuidString, "amount": 900, "code": "refund"], as: ledger.service)
            #expect(partial.status == .created && partial.uuid("reversalOf") == sale)
            #expect(partial.uuid("debitAccountId") == revenue)
            let repeated = try await ledger.send(.post, "/ledger/transfers/\(sale)/reverse", json: ["id": refund.uuidString, "amount": 900, "code": "refund"], as: ledger.service)
            #expect(repeated.status == .ok)
            let tooMuch = try await ledger.send(.post, "/ledger/transfers/\(sale)/reverse", json: ["id": UUID().uuidString], as: ledger.service)
            #expect(tooMuch.code == "exceeds_reversible_amount")
            #expect(try await ledger.balance(revenue).int("balance") == 4000)
            let original = try await ledger.send(.get, "/ledger/transfers/\(sale)", as: ledger.service)
            #expect(original.int("amount") == 4900 && original["status"] == "posted")
            // The database itself refuses to rewrite history.
            await #expect(throws: PostgresError.self) {
                try await ledger.database.execute("UPDATE transfers SET amount = 1 WHERE id = \(sale)")
            }
        }
    }

    @Test func aConversionIsTwoLinkedTransfersThroughTheExchangeAccounts() async throws {
        try await LedgerHarness.run { ledger in
            let dollars = try await ledger.account("USD")
            let yen = try await ledger.account("JPY")
            let id = UUID()
            let body: [String: Any] = ["id": id.uuidString, "debitAccountId": yen.uuidString, "creditAccountId": dollars.uuidString,
                                       "amount": 10001, "rate": "0.0067"]
            let converted = try await ledger.send(.post, "/ledger/conversions", json: body, as: ledger.service)
            #expect(converted.status == .created)
            let credit = try #require(converted.json["creditLeg"] as? [String: Any])
            // 10001 yen × 0.0067 = 67.0067 dollars = 6700.67 cents, rounded half to even: 6701.
            #expect((credit["amount"] as? NSNumber)?.int64Value == 6701 && credit["currency"] as? String == "USD")
            #expect(try await ledger.balance(dollars).int("balance") == 6701)
            #expect(try await ledger.balance(yen).int("balance") == -10001)
            #expect(try await ledger.send(.post, "/ledger/conversions", json: body, as: ledger.service).status == .ok)
            var badRate = body
            badRate["rate"] = "-1"
            badRate["id"] = UUID().uuidString
            #expect(try await ledger.send(.post, "/ledger/conversions", json: badRate, as: ledger.service).fields == ["rate"])
            let fx = try await ledger.send(.get, "/ledger/accounts?ownerRef=platform:exchange", as: ledger.service)
            #expect(Set(fx.items.compactMap { $0["currency"] as? String }) == ["USD", "JPY"])
            #expect(try await ledger.integrity().json["ok"] as? Bool == true)
        }
    }
}
