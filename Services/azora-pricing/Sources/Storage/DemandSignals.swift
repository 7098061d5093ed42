import Foundation
import Shared

/// Enrolments and cancellations per product (`demand_signals`), which the demand and capacity
/// strategies read.
struct DemandSignals: Sendable {
    /// One enrolment more (`change` 1) or less (-1) for the course; the event id makes a
    /// redelivery change nothing.
    func record(courseId: UUID, change: Int, eventId: UUID, occurredAt: Date, in transaction: Transaction) async throws {
        try await transaction.execute("""
            INSERT INTO demand_signals (event_id, product_ref, change, occurred_at)
            VALUES (\(eventId), \("course:" + courseId.lowercasedText), \(change), \(occurredAt))
            ON CONFLICT (event_id) DO NOTHING
            """)
    }
}
