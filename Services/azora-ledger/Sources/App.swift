import Configuration
import Foundation
import Hummingbird
import Shared

/// Builds azora-ledger: double-entry accounts, transfers (single, batched, two-phase),
/// balances, entries and reports.
public func buildApplication(reader: ConfigReader) async throws -> some ApplicationProtocol {
    let runtime = try ServiceRuntime(name: "azora-ledger", reader: reader)
    let settings = try LedgerSettings(settings: runtime.settings)
    // Every statement planned for its own parameters: a plan kept from when `transfers` was
    // small went on scanning the whole table for every group commit as the ledger grew, and the
    // arrays of ids the statements take run from one to thousands.
    let database = try runtime.database(migrations: Migration.fromFiles(prefix: "ledger", EmbeddedFiles.migrationFiles),
                                        sessionSettings: ["plan_cache_mode": "force_custom_plan"])
    let outbox = try runtime.outbox()

    let writer = PostingWriter(database: database, outbox: outbox, clock: runtime.clock)
    let committer = GroupCommitter(writer: writer, workers: settings.commitWorkers, maxGroupSize: settings.maxGroupSize,
                                   logger: runtime.logger)
    runtime.addService(committer)
    runtime.addService(PendingExpiry(database: database, writer: writer, logger: runtime.logger)
        .service(every: settings.expiryInterval, clock: runtime.clock))
    let accounts = AccountStore(database: database, outbox: outbox)
    let reader = LedgerReader(database: database)

    let router = try runtime.makeRouter(openAPI: EmbeddedFiles.openAPI)
    let signedIn = router.group().requiringAuthentication()
    AccountRoutes(accounts: accounts, reader: reader).add(to: signedIn)
    TransferRoutes(committer: committer, writer: writer, accounts: accounts, reader: reader, settings: settings).add(to: signedIn)
    ConversionRoutes(accounts: accounts, writer: writer).add(to: signedIn)
    ReportRoutes(reports: Reports(database: database), integrity: IntegrityCheck(database: database)).add(to: signedIn)
    return runtime.makeApplication(router: router)
}
