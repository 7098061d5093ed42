extension ServiceRuntime {
    /// This service's own credentials for calling peers: client id = its fleet name, secret from
    /// `SERVICE_CLIENT_SECRET`, tokens from auth-service's `POST /auth/token`.
    /// - Throws: `SettingsError` when the secret is missing.
    public func serviceCredentials() throws -> ServiceCredentials {
        ServiceCredentials(
            tokenURL: try peerURL("auth-service") + "/auth/token", clientId: member.name,
            clientSecret: try settings.requiredString("SERVICE_CLIENT_SECRET", secret: true))
    }

}
