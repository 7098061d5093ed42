import Foundation
import HTTPTypes
import Logging
import Shared

/// What azora-pricing learns from the fleet: enrolments and cancellations feed the demand and
/// capacity strategies; a successful payment redeems the quote it paid.
enum FleetEvents {
    /// `enrollment.created` and `enrollment.cancelled`.
    struct Enrollment: Decodable {
        let courseId: UUID
    }

    /// `payment.succeeded`: payments made for a quote name it.
    struct PaymentSucceeded: Decodable {
        let paymentId: String
        let quoteId: UUID?
    }

    static func handlers(quotes: QuoteBook, signals: DemandSignals, clock: FleetClock, logger: Logger) -> [EventHandler] {
        [("enrollment.created", 1), ("enrollment.cancelled", -1)].map { type, change in
            EventHandler(type) { event, transaction in
                let enrollment = try event.decode(Enrollment.self)
                try await signals.record(courseId: enrollment.courseId, change: change, eventId: event.id, occurredAt: event.occurredAt,
                                         in: transaction)
            }
        } + [
            EventHandler("payment.succeeded") { event, _ in
                let payment = try event.decode(PaymentSucceeded.self)
                guard let quoteId = payment.quoteId else { return }
                do {
                    _ = try await quotes.redeem(quoteId, paymentId: payment.paymentId, now: clock.now())
                } catch let refusal as Problem where refusal.status == .conflict || refusal.status == .notFound {
                    // The money is taken but the quote cannot be honoured: say so, so that
                    // payment-service refunds rather than a coupon limit being exceeded.
                    logger.warning("payment for a quote that cannot be redeemed",
                                   metadata: ["quoteId": "\(quoteId)", "paymentId": "\(payment.paymentId)", "code": "\(refusal.code)"])
                    try await quotes.refuse(quoteId, paymentId: payment.paymentId, reason: refusal.code)
                }
            },
        ]
    }
}
