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
    let store = try runtime.objectStore()
    let janitor = ObjectJanitor(database: database, store: store, logger: runtime.logger)
    let profiles = ProfileStore(database: database, outbox: outbox, janitor: janitor)
    let activity = ActivityLog(database: database)
    _ = try runtime.eventConsumer(handlers: FleetEvents.handlers(profiles: profiles, activity: activity))
    runtime.addService(janitor)

    let router = try runtime.makeRouter(openAPI: EmbeddedFiles.openAPI)
    let signedIn = router.group().requiringAuthentication()
    ProfileRoutes(profiles: profiles).add(to: signedIn)
    SearchRoutes(profiles: profiles).add(to: signedIn)
    AvatarRoutes(profiles: profiles, store: store, maxBytes: settings.avatarMaxBytes).add(to: router, signedIn: signedIn)
    PreferenceRoutes(preferences: PreferenceStore(database: database, profiles: profiles)).add(to: signedIn)
    RoleRoutes(profiles: profiles).add(to: signedIn)
    ActivityRoutes(activity: activity, profiles: profiles).add(to: signedIn)
    return runtime.makeApplication(router: router)
}
