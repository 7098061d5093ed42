/// Where and how a process serves HTTP: the settings `HOST`, `PORT` and friends.
public struct ServerSettings: Sendable {
    /// The address to bind (`HOST`): loopback locally, `0.0.0.0` in containers.
    public var host: String
    /// The port (`PORT`), by default the member's port in the fleet table.
    public var port: Int
    /// The largest request body accepted, in bytes (`MAX_BODY_BYTES`).
    public var maxBodyBytes: Int
    /// Whether to send `Strict-Transport-Security` (`HSTS`), for deployments behind TLS.
    public var strictTransportSecurity: Bool

    /// Reads the settings of a fleet member.
    public init(settings: Settings, member: FleetMember, defaultMaxBodyBytes: Int = 10 << 20) throws(SettingsError) {
        host = settings.string("HOST", default: "127.0.0.1")
        port = try settings.int("PORT", default: member.port, in: 0...65535)
        maxBodyBytes = try settings.int("MAX_BODY_BYTES", default: defaultMaxBodyBytes, in: 1...(1 << 34))
        strictTransportSecurity = try settings.bool("HSTS", default: false)
    }
}
