import Foundation
import HTTPTypes
import TestSupport
import Shared
import Testing

@testable import AzoraLedger

@Suite struct PendingTests {
    @Test func aReservationHoldsFundsUntilPostedInPartAndTheRestIsReleased() async throws {
        try await LedgerHarness.run { ledger in
            let world = try await ledger.account(type: "equity")
            let wallet = try await ledger.account(flags: ["debitsMustNotExceedCredits"])
            let merchant = try await ledger.account()
            try await ledger.transfer(from: world, to: wallet, 1000)
            let hold = UUID()
            let reserved = try await ledger.transfer(hold, from: wallet, to: merchant, 800, pending: true, timeoutSeconds: 3600)
            #expect(reserved.status == .created && reserved.json["pending"] as? Bool == true && reserved["timeoutAt"] != nil)
            let held = try await ledger.balance(wallet)
            #expect(held.int("debitsPending") == 800 && held.int("balance") == 1000 && held.int("available") == 200)
            #expect(try await ledger.transfer(from: wallet, to: merchant, 201).code == "exceeds_credits")

            let posted = try await ledger.send(.post, "/ledger/transfers/\(hold)/post", json: ["amount": 650], as: ledger.service)
            #expect(posted.status == .created && posted["kind"] == "post" && posted.int("amount") == 650 && posted.uuid("pendingId") == hold)
            let after = try await ledger.balance(wallet)
            #expect(after.int("debitsPending") == 0 && after.int("balance") == 350 && after.int("available") == 350)
            #expect(try await ledger.balance(merchant).int("balance") == 650)
            let twice = try await ledger.send(.post, "/ledger/transfers/\(hold)/void", as: ledger.service)
            #expect(twice.status == .conflict && twice.code == "pending_already_posted")
            let detail = try await ledger.send(.get, "/ledger/transfers/\(hold)", as: ledger.service)
            #expect(detail["status"] == "posted" && (detail.json["resolution"] as? [String: Any])?["amount"] as? Int == 650)
            #expect(try await ledger.send(.post, "/ledger/transfers/\(UUID())/post", as: ledger.service).status == .notFound)
            let tooMuch = UUID()
            try await ledger.transfer(tooMuch, from: wallet, to: merchant, 100, pending: true)
            let over = try await ledger.send(.post, "/ledger/transfers/\(tooMuch)/post", json: ["amount": 101], as: ledger.service)
            #expect(over.status == .unprocessableContent && over.fields == ["amount"])
        }
    }

    @Test func aReservationNobodyResolvesExpiresByItself() async throws {
        try await LedgerHarness.run { ledger in
            let world = try await ledger.account(type: "equity")
            let wallet = try await ledger.account()
            let hold = UUID()
            // Long enough for the balance to be read before it expires, even on a busy machine.
            try await ledger.transfer(hold, from: world, to: wallet, 300, pending: true, timeoutSeconds: 10)
            #expect(try await ledger.balance(wallet).int("creditsPending") == 300)
            let expired = try await ledger.bus.waitForEvents(ofType: "ledger.transfer.expired")
            #expect(expired.first?.data["pendingId"] == .string(hold.lowercasedText))
            #expect(try await ledger.balance(wallet).int("creditsPending") == 0)
            let late = try await ledger.send(.post, "/ledger/transfers/\(hold)/post", as: ledger.service)
            #expect(late.status == .conflict && late.code == "pending_expired")
            #expect(try await ledger.send(.get, "/ledger/transfers/\(hold)", as: ledger.service)["status"] == "expired")
        }
    }

    @Test func racingPostsAndVoidsResolveAReservationExactlyOnce() async throws {
        try await LedgerHarness.run { ledger in
            let world = try await ledger.account(type: "equity")
            let wallet = try await ledger.account()
            for _ in 0..<5 {
                let hold = UUID()
                try await ledger.transfer(hold, from: world, to: wallet, 100, pending: true)
                let requests: [(HTTPRequest.Method, String, Any?)] = (0..<20).map { index in
                    (.post, "/ledger/transfers/\(hold)/\(index % 2 == 0 ? "post" : "void")", nil)
                }
                let answers = try await ledger.sendConcurrently(requests, as: ledger.service)
                #expect(answers.filter { $0.status == .created }.count == 1)
                #expect(answers.allSatisfy { $0.status == .created || $0.status == .conflict })
            }
            let resolutions = try await ledger.database.queryFirst("SELECT count(*) AS n FROM transfers WHERE pending_id IS NOT NULL")
            #expect(try resolutions?.decode("n", as: Int.self) == 5)
            let balance = try await ledger.balance(wallet)
            #expect(balance.int("creditsPending") == 0)
            #expect(try await ledger.integrity().json["ok"] as? Bool == true)
        }
    }
}
