import Foundation
import Logging
import ServiceLifecycle
import Shared

/// Releases pending transfers whose timeout has passed: finds a batch of them and records an
/// `expire` transfer for each through the same writer as every other change, so an expiry
/// races safely with a post or void of the same transfer (exactly one of them wins).
struct PendingExpiry: Service {
    let database: Database
    let writer: PostingWriter
    let interval: Duration
    let logger: Logger
    static let batchSize = 500

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    while try await expireOnce() == Self.batchSize {}
                } catch {
                    logger.warning("expiring pending transfers failed; will retry", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Expires one batch of overdue pending transfers; returns how many it looked at.
    @discardableResult
    func expireOnce() async throws -> Int {
        let overdue: [UUID] = try await database.query("""
            SELECT p.id FROM transfers p
            WHERE p.kind = 'pending' AND p.timeout_at <= now()
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
