import Configuration
import Foundation
import Hummingbird
import Shared

/// Builds enrollment-service: enrollments with their seats, payments and progress, completion,
/// waitlists with expiring offers, certificates, and course analytics. Course facts come from course-service.
public func buildApplication(reader: ConfigReader) async throws -> some ApplicationProtocol {
    let runtime = try ServiceRuntime(name: "enrollment-service", reader: reader)
    let settings = try EnrollmentSettings(settings: runtime.settings)
    let database = try runtime.database(migrations: Migration.fromFiles(prefix: "enrollment", EmbeddedFiles.migrationFiles))
    let outbox = try runtime.outbox()
    let credentials = try runtime.serviceCredentials()
    let catalog = CourseCatalog(peer: PeerClient(name: "course-service", baseURL: try runtime.peerURL("course-service"),
                                                 credentials: credentials, logger: runtime.logger))

    let users = UserDirectory(peer: PeerClient(name: "user-service", baseURL: try runtime.peerURL("user-service"),
                                               credentials: credentials, logger: runtime.logger))
    let learners = LearnerNames()
    let certificates = try await CertificateBook(database: database, outbox: outbox, settings: try CertificateSettings(settings: runtime.settings),
                                                 learners: learners, users: users)
    let seats = SeatPools(outbox: outbox, offerLifetime: settings.offerLifetime)
    let store = EnrollmentStore(database: database)
    let waitlists = WaitlistBook(database: database, outbox: outbox, seats: seats)
    let registrar = Registrar(database: database, outbox: outbox, seats: seats, waitlists: waitlists, paymentWindow: settings.paymentWindow)
    let changes = EnrollmentChanges(database: database, outbox: outbox, seats: seats)
    let progress = ProgressBook(database: database, outbox: outbox, certificates: certificates)
    let access = EnrollmentAccess(catalog: catalog)
    let clock = runtime.clock
    runtime.addService(ExpirySweeper(database: database, outbox: outbox, seats: seats, logger: runtime.logger)
        .service(every: settings.sweepInterval, clock: clock))
    _ = try runtime.eventConsumer(handlers: FleetEvents.handlers(changes: changes, seats: seats, learners: learners, clock: clock))

    let router = try runtime.makeRouter(openAPI: EmbeddedFiles.openAPI)
    let signedIn = router.group().requiringAuthentication()
    AnalyticsRoutes(catalog: catalog, analytics: CourseAnalytics(database: database), clock: clock).add(to: signedIn)
    EnrollmentRoutes(catalog: catalog, store: store, registrar: registrar, changes: changes, progress: progress, access: access,
                     clock: clock).add(to: signedIn)
    ProgressRoutes(catalog: catalog, store: store, progress: progress, access: access, clock: clock).add(to: signedIn)
    WaitlistRoutes(catalog: catalog, registrar: registrar, waitlists: waitlists, clock: clock).add(to: signedIn)
    CertificateRoutes(book: certificates).add(to: router, signedIn: signedIn)
    return runtime.makeApplication(router: router)
}
