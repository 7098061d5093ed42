import Configuration
import Foundation
import Hummingbird
import Shared

/// Builds course-service: courses and their outline, cohorts, prerequisites, the status
/// workflow, the searchable catalog (cached in Redis), and reviews by enrolled learners.
public func buildApplication(reader: ConfigReader) async throws -> some ApplicationProtocol {
    let runtime = try ServiceRuntime(name: "course-service", reader: reader)
    let settings = try CourseSettings(settings: runtime.settings)
    let database = try runtime.database(migrations: Migration.fromFiles(prefix: "courses", EmbeddedFiles.migrationFiles))
    let outbox = try runtime.outbox()
    let cache = CourseCache(redis: try runtime.redis(), ttlSeconds: settings.cacheTTLSeconds, logger: runtime.logger)
    _ = try runtime.eventConsumer(handlers: FleetEvents.handlers())

    let courses = CourseStore(database: database, outbox: outbox, cache: cache)
    let courseRoutes = CourseRoutes(courses: courses, catalog: CatalogStore(database: database))

    // Reading published courses needs no token; everything else does.
    let router = try runtime.makeRouter(openAPI: EmbeddedFiles.openAPI)
    let signedIn = router.group().requiringAuthentication()
    courseRoutes.add(to: router, signedIn: signedIn)
    WorkflowRoutes(courses: courseRoutes).add(to: signedIn)
    OutlineRoutes(courses: courses, outline: OutlineStore(courses: courses)).add(to: router, signedIn: signedIn)
    CohortRoutes(courses: courses, cohorts: CohortStore(courses: courses)).add(to: router, signedIn: signedIn)
    PrerequisiteRoutes(prerequisites: PrerequisiteStore(courses: courses)).add(to: signedIn)
    ReviewRoutes(courses: courses, reviews: ReviewStore(database: database, outbox: outbox, cache: cache)).add(to: router, signedIn: signedIn)
    return runtime.makeApplication(router: router)
}
