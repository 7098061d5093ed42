import Foundation
import HTTPTypes
import TestSupport
import Shared
import Testing

@testable import AzoraLedger

@Suite struct ConcurrencyTests {
    /// Hundreds of concurrent single transfers against one limited wallet: exactly as many
    /// succeed as its balance allows, and the books balance afterwards.
    @Test func concurrentSpendingNeverTakesALimitedAccountPastItsLimit() async throws {
        try await LedgerHarness.run { ledger in
            let world = try await ledger.account(type: "equity")
            let wallet = try await ledger.account(flags: ["debitsMustNotExceedCredits"])
            let shops = [try await ledger.account(), try await ledger.account(), try await ledger.account()]
            try await ledger.transfer(from: world, to: wallet, 1000)
            let requests: [(HTTPRequest.Method, String, Any?)] = (0..<300).map { index in
                (.post, "/ledger/transfers", LedgerHarness.order(from: wallet, to: shops[index % 3], 7))
            }
            let answers = try await ledger.sendConcurrently(requests, as: ledger.service)
            let accepted = answers.filter { $0.status == .created }.count
            #expect(accepted == 1000 / 7)
            #expect(answers.filter { $0.status == .conflict }.allSatisfy { $0.code == "exceeds_credits" })
            #expect(answers.filter { $0.status == .conflict }.count == 300 - accepted)
            let balance = try await ledger.balance(wallet)
            #expect(balance.int("balance") == 1000 - 7 * Int64(accepted) && balance.int("balance")! >= 0)
            let integrity = try await ledger.integrity()
            #expect(integrity.json["ok"] as? Bool == true)
            let currencies = integrity.json["currencies"] as? [[String: Any]] ?? []
            #expect(currencies.first?["debitsPosted"] as? Int == currencies.first?["creditsPosted"] as? Int)
        }
    }

    /// Batches are written before their accounts are locked and decided again under the locks:
    /// batches that each fit the wallet when they start, but not all together, are refused
    /// whole once the wallet is spent, and the wallet's totals lose none of the others.
    @Test func concurrentBatchesNeverTakeALimitedAccountPastItsLimit() async throws {
        try await LedgerHarness.run { ledger in
            let world = try await ledger.account(type: "equity")
            let wallet = try await ledger.account(flags: ["debitsMustNotExceedCredits"])
            let shop = try await ledger.account()
            try await ledger.transfer(from: world, to: wallet, 1000)
            // Each batch spends 100 in ten transfers: ten of the twenty-four fit.
            let batches: [(HTTPRequest.Method, String, Any?)] = (0..<24).map { _ in
                (.post, "/ledger/transfers/batch", ["transfers": (0..<10).map { _ in LedgerHarness.order(from: wallet, to: shop, 10) }])
            }
            let answers = try await ledger.sendConcurrently(batches, as: ledger.service)
            #expect(answers.filter { $0.status == .created }.count == 10)
            #expect(answers.filter { $0.status == .conflict }.allSatisfy { $0.code == "batch_refused" })
            #expect(answers.filter { $0.status == .conflict }.count == 14)
            #expect(try await ledger.balance(wallet).int("balance") == 0)
            #expect(try await ledger.balance(shop).int("balance") == 1000)
            #expect(try await ledger.integrity().json["ok"] as? Bool == true)
        }
    }

    /// The same transfer id sent many times at once is recorded once.
    @Test func aTransferIdRacingItselfIsAppliedOnce() async throws {
        try await LedgerHarness.run { ledger in
            let world = try await ledger.account(type: "equity")
            let wallet = try await ledger.account()
            let order = LedgerHarness.order(from: world, to: wallet, 250)
            let answers = try await ledger.sendConcurrently(Array(repeating: (.post, "/ledger/transfers", order), count: 40), as: ledger.service)
            #expect(answers.filter { $0.status == .created }.count == 1)
            #expect(answers.filter { $0.status == .ok }.count == 39)
            #expect(try await ledger.balance(wallet).int("balance") == 250)
            // Batches racing each other with overlapping ids: still once each.
            let shared = (0..<20).map { _ in LedgerHarness.order(from: world, to: wallet, 1) }
            let batches: [(HTTPRequest.Method, String, Any?)] = (0..<6).map { _ in (.post, "/ledger/transfers/batch", ["transfers": shared]) }
            let batchAnswers = try await ledger.sendConcurrently(batches, as: ledger.service)
            #expect(batchAnswers.allSatisfy { $0.status == .created || $0.status == .ok })
            #expect(try await ledger.balance(wallet).int("balance") == 270)
            #expect(try await ledger.integrity().json["ok"] as? Bool == true)
        }
    }
}
