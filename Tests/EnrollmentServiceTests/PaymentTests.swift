import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import EnrollmentService

@Suite struct PaymentTests {
    private func paymentSucceeded(_ h: EnrollmentHarness, paymentId: String, enrollmentId: String, userId: UUID) async throws {
        try await h.bus.publish("payment.succeeded", source: "payment-service", subject: paymentId, data: [
            "paymentId": .string(paymentId), "userId": .string(userId.uuidString), "enrollmentId": .string(enrollmentId),
            "amount": ["amount": 4_999, "currency": "USD"],
        ])
    }

    /// A paid course waits in `pending_payment` with a due time; `payment.succeeded` activates
    /// it once, whatever the redeliveries; lessons wait for the payment.
    @Test func aPaidEnrollmentWaitsForItsPaymentAndThenActivates() async throws {
        try await EnrollmentHarness.run(settings: ["ENROLLMENT_PAYMENT_WINDOW_SECONDS": "600"]) { h in
            let course = try await h.course(price: 4_999)
            let learner = try await h.learner()
            let before = Date()
            let pending = try await h.enroll(learner, in: course)
            let after = Date()
            #expect(pending["status"] == "pending_payment")
            let due = try #require(pending["paymentDueAt"].flatMap(Timestamp.parse))
            // Six hundred seconds after the enrollment, however long the call took (timestamps
            // are read at a millisecond or finer, hence the margin of one).
            #expect(due >= before.addingTimeInterval(599) && due <= after.addingTimeInterval(601))
            let id = try #require(pending["id"])
            let early = try await h.send(.put, "/enrollments/\(id)/lessons/\(course.lessons[0])", json: ["status": "in_progress"], as: learner)
            #expect(early.status == .conflict && early.code == "enrollment_not_active")
            let created = try await h.bus.waitForEvents(ofType: "enrollment.created")
            #expect(created.first?.data["status"] == "pending_payment")
            #expect(created.first?.data["price"] == ["amount": 4_999, "currency": "USD"])

            try await paymentSucceeded(h, paymentId: "pay_1", enrollmentId: id, userId: learner.id)
            try await eventually { try await h.send(.get, "/enrollments/\(id)", as: learner)["status"] == "active" }
            let active = try await h.send(.get, "/enrollments/\(id)", as: learner)
            #expect(active["paymentId"] == "pay_1" && active["activatedAt"] != nil)
            // The same payment announced again changes nothing.
            try await paymentSucceeded(h, paymentId: "pay_1", enrollmentId: id, userId: learner.id)
            let activated = try await h.bus.waitForEvents(ofType: "enrollment.activated")
            #expect(activated.count == 1 && activated.first?.data["enrollmentId"] == .string(id))
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await h.bus.events(ofType: "enrollment.activated").count == 1)
            #expect(try await h.bus.events(ofType: "enrollment.payment_unmatched").isEmpty)
            #expect(try await h.send(.put, "/enrollments/\(id)/lessons/\(course.lessons[0])", json: ["status": "in_progress"],
                                     as: learner).status == .ok)
        }
    }

    /// An unpaid enrollment expires when its window closes and its seat goes to the first in
    /// line; a payment that arrives afterwards is handed back for a refund.
    @Test func anUnpaidEnrollmentExpiresAndItsSeatGoesToTheWaitlist() async throws {
        try await EnrollmentHarness.run { h in
            let course = try await h.course(capacity: 1, price: 2_500)
            let payer = try await h.learner()
            let pending = try await h.enroll(payer, in: course)
            let id = try #require(pending["id"])
            let waiting = try await h.learner()
            let queued = try await h.send(.post, "/enrollments", json: ["courseId": course.id.uuidString], as: waiting)
            #expect(queued.status == .accepted && queued["status"] == "waiting" && queued.number("position") == 1)

            try await h.database.execute("UPDATE enrollments SET payment_due_at = now() - interval '1 second' WHERE id = \(UUID(uuidString: id)!)")
            try await eventually { try await h.send(.get, "/enrollments/\(id)", as: payer)["status"] == "expired" }
            let offer = try await h.send(.get, "\(course.path)/waitlist/me", as: waiting)
            #expect(offer["status"] == "offered" && offer["offerExpiresAt"] != nil && offer.json["position"] == nil)
            let expired = try await h.bus.waitForEvents(ofType: "enrollment.expired")
            #expect(expired.first?.data["reason"] == "payment_overdue")
            #expect(try await h.bus.waitForEvents(ofType: "waitlist.offered").first?.data["userId"] == .string(waiting.id.uuidString))

            try await paymentSucceeded(h, paymentId: "pay_late", enrollmentId: id, userId: payer.id)
            let unmatched = try await h.bus.waitForEvents(ofType: "enrollment.payment_unmatched")
            #expect(unmatched.first?.data["paymentId"] == "pay_late")
            #expect(unmatched.first?.data["reason"] == "expired")
            #expect(try await h.send(.get, "/enrollments/\(id)", as: payer)["status"] == "expired")
        }
    }

    /// Payments for an unknown enrollment or from another learner are handed back; payments
    /// for something else are none of this service's business.
    @Test func paymentsThatMatchNoPendingEnrollmentAreHandedBack() async throws {
        try await EnrollmentHarness.run { h in
            let course = try await h.course(price: 1_000)
            let learner = try await h.learner()
            let id = try #require(try await h.enroll(learner, in: course)["id"])
            try await h.bus.publish("payment.succeeded", source: "payment-service", subject: "pay_wallet",
                                    data: ["paymentId": "pay_wallet", "userId": .string(learner.id.uuidString)])
            let unknown = UUID().uuidString
            try await paymentSucceeded(h, paymentId: "pay_x", enrollmentId: unknown, userId: learner.id)
            try await paymentSucceeded(h, paymentId: "pay_y", enrollmentId: id, userId: UUID())
            let unmatched = try await h.bus.waitForEvents(ofType: "enrollment.payment_unmatched", count: 2)
            #expect(Set(unmatched.compactMap { $0.data["reason"]?.stringValue }) == ["unknown_enrollment", "user_mismatch"])
            #expect(unmatched.first { $0.data["paymentId"] == "pay_x" }?.data["enrollmentId"] == .string(unknown))
            #expect(try await h.send(.get, "/enrollments/\(id)", as: learner)["status"] == "pending_payment")
        }
    }
}
