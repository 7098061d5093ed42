import Foundation
import Logging
import Shared

/// Releases pending transfers whose timeout has passed on the fleet clock: finds a batch of them
/// and records an `expire` transfer for each through the same writer as every other change, so
/// an expiry races safely with a post or void of the same transfer (exactly one of them wins).
/// A `Sweeper` runs it every few seconds, and at once when the test clock moves.
struct PendingExpiry: Sendable {
    let database: Database
    let writer: PostingWriter
    let logger: Logger
    static let batchSize = 500

    /// The service that expires every `interval`, and whenever the clock jumps.
    func service(every interval: Duration, clock: FleetClock) -> Sweeper {
        Sweeper("expiring pending transfers", every: interval, clock: clock, logger: logger) { now in
            try await expireOnce(now: now) == Self.batchSize
        }
    }

    /// Expires one batch of pending transfers overdue at `now`; returns how many it looked at.
    /// The writer judges each again at its own time, which is never earlier.
    @discardableResult
    func expireOnce(now: Date) async throws -> Int {
        let overdue: [UUID] = try await database.query("""
            SELECT p.id FROM transfers p
            WHERE p.kind = 'pending' AND p.timeout_at <= \(now)
              AND NOT EXISTS (SELECT 1 FROM transfers r WHERE r.pending_id = p.id)
            ORDER BY p.timeout_at LIMIT \(Self.batchSize)
            """).map { try $0.decode("id") }
        guard !overdue.isEmpty else { return 0 }
        let outcomes = try await writer.apply(overdue.map { .expire(pendingId: $0) }, .independent)
        let expired = outcomes.filter { if case .recorded = $0 { true } else { false } }.count
        if expired > 0 { logger.info("expired pending transfers", metadata: ["count": "\(expired)"]) }
        return overdue.count
    }
}
