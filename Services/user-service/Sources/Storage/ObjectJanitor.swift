import Foundation
import Logging
import ObjectStorage
import ServiceLifecycle
import Shared

/// Removes stored objects queued in `object_deletions`: right after the transaction that queued
/// them commits, and again every minute for any the store refused.
struct ObjectJanitor: Sendable {
    let database: Database
    let store: any ObjectStore
    let logger: Logger

    func queue(_ key: String, in transaction: Transaction) async throws {
        try await transaction.execute("INSERT INTO object_deletions (key) VALUES (\(key)) ON CONFLICT DO NOTHING")
        transaction.afterCommit { Task { await self.sweep() } }
    }

    /// Deletes every queued object it can; the rest stay queued.
    func sweep() async {
        do {
            let keys: [String] = try await database.query("SELECT key FROM object_deletions ORDER BY queued_at LIMIT 500")
                .map { try $0.decode(at: 0) }
            for key in keys {
                try await store.delete(key: key)
                try await database.execute("DELETE FROM object_deletions WHERE key = \(key)")
            }
        } catch {
            logger.warning("stored objects not yet deleted; will retry", metadata: ["error": "\(error)"])
        }
    }
}

extension ObjectJanitor: Service {
    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sweep()
                try? await Task.sleep(for: .seconds(60))
            }
        }
    }
}
