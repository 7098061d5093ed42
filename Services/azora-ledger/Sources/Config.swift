import Shared

/// azora-ledger's own settings.
struct LedgerSettings: Sendable {
    /// Transactions the group committer runs side by side (`LEDGER_COMMIT_WORKERS`, default 4).
    let commitWorkers: Int
    /// The most single transfers one group commit carries (`LEDGER_GROUP_MAX`, default 1000).
    let maxGroupSize: Int
    /// The most transfers one batch request may hold (`LEDGER_BATCH_MAX`, default 10000).
    let maxBatchSize: Int
    /// The largest batch body in bytes (`LEDGER_BATCH_MAX_BYTES`, default 8 MiB; `MAX_BODY_BYTES` still applies).
    let maxBatchBytes: Int
    /// How often overdue pending transfers are expired (`LEDGER_EXPIRY_INTERVAL_MS`, default 1000).
    let expiryInterval: Duration

    init(settings: Settings) throws {
        commitWorkers = try settings.int("LEDGER_COMMIT_WORKERS", default: 4, in: 1...16)
        maxGroupSize = try settings.int("LEDGER_GROUP_MAX", default: 1000, in: 1...10000)
        maxBatchSize = try settings.int("LEDGER_BATCH_MAX", default: 10000, in: 1...100_000)
        maxBatchBytes = try settings.int("LEDGER_BATCH_MAX_BYTES", default: 8 << 20, in: 1024...(256 << 20))
        expiryInterval = try settings.milliseconds("LEDGER_EXPIRY_INTERVAL_MS", default: .seconds(1))
    }
}
