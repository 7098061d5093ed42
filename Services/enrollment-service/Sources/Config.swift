import Foundation
import Shared

/// enrollment-service's own settings.
struct EnrollmentSettings: Sendable {
    /// How long a paid enrollment holds its seat waiting for payment
    /// (`ENROLLMENT_PAYMENT_WINDOW_SECONDS`, default 1800).
    let paymentWindow: Duration
    /// How long a waitlist offer holds a seat (`WAITLIST_OFFER_SECONDS`, default 86400).
    let offerLifetime: Duration
    /// How often overdue payments, ended access and lapsed offers are expired
    /// (`ENROLLMENT_SWEEP_SECONDS`, default 5).
    let sweepInterval: Duration

    init(settings: Settings) throws {
        paymentWindow = .seconds(try settings.int("ENROLLMENT_PAYMENT_WINDOW_SECONDS", default: 1800, in: 1...30 * 86_400))
        offerLifetime = .seconds(try settings.int("WAITLIST_OFFER_SECONDS", default: 86_400, in: 1...30 * 86_400))
        sweepInterval = .seconds(try settings.int("ENROLLMENT_SWEEP_SECONDS", default: 5, in: 1...3_600))
    }
}
