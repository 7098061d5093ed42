import Shared

/// user-service's own settings.
struct UserSettings: Sendable {
    /// The largest avatar accepted (`AVATAR_MAX_BYTES`, default 2 MiB).
    let avatarMaxBytes: Int

    init(settings: Settings) throws {
        avatarMaxBytes = try settings.int("AVATAR_MAX_BYTES", default: 2 << 20, in: 1024...(20 << 20))
    }
}
