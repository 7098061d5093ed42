import Configuration
import Foundation
import Hummingbird
import ObjectStorage
import Shared

/// Builds user-service: profiles, preferences, roles, avatars, search, activity and stats.
public func buildApplication(reader: ConfigReader) async throws -> some ApplicationProtocol {
    let runtime = try ServiceRuntime(name: "user-service", reader: reader)
    let settings = try UserSettings(settings: runtime.settings)
    let database = try runtime.database(migrations: Migration.fromFiles(prefix: "users", EmbeddedFiles.migrationFiles))
    let outbox = try runtime.outbox()
    _ = try runtime.eventConsumer(handlers: FleetEvents.handlers())

    let store = try runtime.objectStore()
    let janitor = ObjectJanitor(database: database, store: store, logger: runtime.logger)
    runtime.addService(janitor)
    let profiles = Profiles(database: database)

    let router = try runtime.makeRouter(openAPI: EmbeddedFiles.openAPI)
    let signedIn = router.group().requiringAuthentication()
    ProfileRoutes(database: database, profiles: profiles, outbox: outbox, janitor: janitor).add(to: signedIn)
    SearchRoutes(database: database).add(to: signedIn)
    AvatarRoutes(database: database, profiles: profiles, store: store, janitor: janitor, outbox: outbox,
                 maxBytes: settings.avatarMaxBytes).add(to: router, signedIn: signedIn)
    PreferenceRoutes(database: database, profiles: profiles).add(to: signedIn)
    RoleRoutes(database: database, profiles: profiles, outbox: outbox).add(to: signedIn)
    ActivityRoutes(database: database, profiles: profiles).add(to: signedIn)
    return runtime.makeApplication(router: router)
}
