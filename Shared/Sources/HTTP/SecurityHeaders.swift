import HTTPTypes

/// The response headers an API should always send (OWASP's secure headers for APIs): no
/// sniffing, no framing, no referrer, no caching of private data unless a route says otherwise,
/// and a locked-down content security policy. `SecurityHeadersMiddleware` adds them to every
/// service's responses; the gateway adds them to what it relays.
public enum SecurityHeaders {
    /// The headers every response carries unless its route set them itself.
    /// - Parameter strictTransportSecurity: whether to include `Strict-Transport-Security`
    ///   (behind TLS termination in production).
    public static func fields(strictTransportSecurity: Bool) -> [HTTPField] {
        strictTransportSecurity ? withStrictTransportSecurity : withoutStrictTransportSecurity
    }

    private static let withoutStrictTransportSecurity: [HTTPField] = [
        HTTPField(name: .xContentTypeOptions, value: "nosniff"),
        HTTPField(name: .xFrameOptions, value: "DENY"),
        HTTPField(name: .referrerPolicy, value: "no-referrer"),
        HTTPField(name: .contentSecurityPolicy, value: "default-src 'none'; frame-ancestors 'none'"),
        HTTPField(name: .cacheControl, value: "no-store"),
        HTTPField(name: .crossOriginResourcePolicy, value: "same-origin"),
    ]

    private static let withStrictTransportSecurity = withoutStrictTransportSecurity + [
        HTTPField(name: .strictTransportSecurity, value: "max-age=31536000; includeSubDomains")
    ]
}
