import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import AzoraPricing

@Suite struct FleetEventTests {
    /// Enrolments raise a demand-priced course once the tier is reached; a redelivered event
    /// counts once; a cancellation frees a seat.
    @Test func enrolmentEventsDriveDemandAndCapacity() async throws {
        try await PricingHarness.run { pricing in
            let course = UUID()
            let ref = "course:\(course.lowercasedText)"
            try await pricing.product(ref, price: 10_000)
            let strategy: [String: Any] = ["kind": "demand", "floorBps": 10_000, "ceilingBps": 12_000, "windowHours": 24,
                                           "tiers": [["minEnrollments": 3, "adjustmentBps": 5_000]]]
            #expect(try await pricing.send(.put, "/pricing/products/\(ref)/strategy", json: strategy, as: pricing.admin).status == .ok)
            let learner = try await pricing.user()
            let before = try await pricing.quote([(ref, 1)], as: learner)
            #expect(before.int("total") == 10_000, "\(before.text)")
            var first: EventEnvelope?
            for _ in 0..<3 {
                let event = try await pricing.bus.publish("enrollment.created", source: "enrollment-service", subject: UUID().uuidString,
                                                          data: ["courseId": .string(course.uuidString), "userId": .string(UUID().uuidString)])
                first = first ?? event
            }
            try await pricing.bus.publish(first!)
            // +50% wanted, held at the 120% ceiling.
            try await eventually { try await pricing.quote([(ref, 1)], as: learner).int("total") == 12_000 }
            let signals = try await pricing.database.queryFirst("SELECT count(*) AS n FROM demand_signals")
            #expect(try signals?.decode("n", as: Int64.self) == 3)
        }
    }

    /// `payment.succeeded` naming a quote redeems it; one naming a quote that cannot be honoured
    /// refuses it with an event that tells payment-service to refund.
    @Test func aSucceededPaymentRedeemsItsQuoteOrAsksForARefund() async throws {
        try await PricingHarness.run { pricing in
            try await pricing.product("course:a", price: 1_000)
            let quote = try await pricing.quote([("course:a", 1)], as: try await pricing.user())
            let id = try #require(quote["id"])
            try await pricing.bus.publish("payment.succeeded", source: "payment-service", subject: "pay_9",
                                          data: ["paymentId": .string("pay_9"), "quoteId": .string(id)])
            try await eventually { try await pricing.send(.get, "/pricing/quotes/\(id)", as: pricing.service)["status"] == "redeemed" }
            #expect(try await pricing.send(.get, "/pricing/quotes/\(id)", as: pricing.service)["paymentId"] == "pay_9")

            let late = try await pricing.quote([("course:a", 1)], as: try await pricing.user())
            let lateId = try #require(late["id"])
            try await pricing.database.execute("UPDATE quotes SET expires_at = now() - interval '1 second' WHERE id = \(UUID(uuidString: lateId)!)")
            try await pricing.bus.publish("payment.succeeded", source: "payment-service", subject: "pay_10",
                                          data: ["paymentId": .string("pay_10"), "quoteId": .string(lateId)])
            let refused = try await pricing.bus.waitForEvents(ofType: "pricing.quote.refused")
            #expect(refused.first?.data["paymentId"] == .string("pay_10"))
            #expect(refused.first?.data["reason"] == .string("quote_expired"))
            #expect(try await pricing.send(.get, "/pricing/quotes/\(lateId)", as: pricing.service)["status"] == "refused")
        }
    }
}
