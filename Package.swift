// swift-tools-version: 6.2
import PackageDescription

/// The fleet, one row per service that exists, with the parts of Shared it links besides the
/// core. Adding a service is one row here plus its folder `Services/<name>/` (see
/// `Services/README.md`). The port and schema of every planned service live in
/// `Shared/Sources/Fleet/Fleet.swift`.
let services: [(name: String, module: String, parts: [SharedPart])] = [
    (name: "auth-service", module: "AuthService", parts: [.mail, .passwordHashing]),
    (name: "user-service", module: "UserService", parts: [.objectStorage]),
    (name: "course-service", module: "CourseService", parts: []),
    (name: "enrollment-service", module: "EnrollmentService", parts: []),
    (name: "azora-ledger", module: "AzoraLedger", parts: []),
    (name: "azora-pricing", module: "AzoraPricing", parts: []),
    (name: "ai-orchestrator", module: "AIOrchestrator", parts: []),
]

/// The parts of Shared that only some executables use, each a library target of its own (with
/// the C library it wraps), so that a binary links only what it uses. Every executable links the
/// core, `Shared`; the gateway links nothing else. See `Shared/README.md`.
enum SharedPart: String, CaseIterable {
    /// `Mail`: SMTP delivery through libcurl, or the local mail drop.
    case mail = "Mail"
    /// `ObjectStorage`: S3-compatible object storage, or a local folder.
    case objectStorage = "ObjectStorage"
    /// `PasswordHashing`: argon2id password hashes through libargon2.
    case passwordHashing = "PasswordHashing"

    /// What the part's target builds on.
    var dependencies: [Target.Dependency] {
        switch self {
        case .mail:
            ["Shared", "CCurl", .product(name: "Logging", package: "swift-log"), .product(name: "NIOPosix", package: "swift-nio")]
        case .objectStorage:
            ["Shared",
             .product(name: "AsyncHTTPClient", package: "async-http-client"),
             .product(name: "Crypto", package: "swift-crypto"),
             .product(name: "Logging", package: "swift-log"),
             .product(name: "NIOCore", package: "swift-nio"),
             .product(name: "NIOHTTP1", package: "swift-nio"),
             .product(name: "NIOPosix", package: "swift-nio"),
             .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio")]
        case .passwordHashing:
            ["CArgon2", .product(name: "NIOPosix", package: "swift-nio")]
        }
    }
}

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]
/// Tests import less explicitly than library code.
let testSwiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "azora",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gateway", targets: ["GatewayMain"]),
    ] + services.map { .executable(name: $0.name, targets: ["\($0.module)Main"]) },
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swift-otel/swift-w3c-trace-context.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        // C shims: each is imported by one Shared target only (the core, or the part that wraps it).
        .systemLibrary(name: "CLibPQ", path: "Shared/CLibPQ", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),
        // hiredis's pkg-config file carries a flag SwiftPM refuses, so the module map links it by name.
        .systemLibrary(name: "CHiredis", path: "Shared/CHiredis", providers: [.apt(["libhiredis-dev"])]),
        // The reference argon2 implementation, for password hashes.
        .systemLibrary(name: "CArgon2", path: "Shared/CArgon2", providers: [.apt(["libargon2-dev"])]),
        // libcurl speaks SMTP with STARTTLS and AUTH, which the mailer needs.
        .systemLibrary(name: "CCurl", path: "Shared/CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        .target(
            name: "Shared",
            dependencies: [
                "CLibPQ", "CHiredis",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            path: "Shared/Sources",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "Shared",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            path: "Shared/TestSupport",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "EmbedServiceFilesTool",
            path: "Shared/Tools/EmbedServiceFilesTool",
            swiftSettings: swiftSettings
        ),
        .plugin(
            name: "EmbedServiceFiles",
            capability: .buildTool(),
            dependencies: ["EmbedServiceFilesTool"],
            path: "Shared/Plugins/EmbedServiceFiles"
        ),

        .target(
            name: "Gateway",
            dependencies: [
                "Shared",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Gateway/Sources",
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "GatewayMain", dependencies: ["Gateway"], path: "Gateway/Main", swiftSettings: swiftSettings),

        .testTarget(name: "SharedTests", dependencies: ["Shared", "TestSupport", .product(name: "HummingbirdTesting", package: "hummingbird")], path: "Tests/SharedTests",
                    swiftSettings: testSwiftSettings),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "TestSupport", .product(name: "HummingbirdTesting", package: "hummingbird")], path: "Tests/GatewayTests",
                    swiftSettings: testSwiftSettings),
        .testTarget(name: "FleetTests", dependencies: [
                        "Shared", "TestSupport", "Mail",
                        .product(name: "AsyncHTTPClient", package: "async-http-client"),
                        .product(name: "JWTKit", package: "jwt-kit"),
                        .product(name: "NIOCore", package: "swift-nio"),
                        .product(name: "NIOHTTP1", package: "swift-nio"),
                    ], path: "Tests/FleetTests",
                    // The Python script the openai SDK test runs; not a Swift source.
                    exclude: ["Python"],
                    swiftSettings: testSwiftSettings),
    ] + SharedPart.allCases.flatMap(partTargets) + services.flatMap(serviceTargets)
)

/// A part's two targets: its library, `Shared/Parts/<Module>/`, and its tests.
func partTargets(_ part: SharedPart) -> [Target] {
    [
        .target(name: part.rawValue, dependencies: part.dependencies, path: "Shared/Parts/\(part.rawValue)",
                swiftSettings: swiftSettings),
        .testTarget(name: "\(part.rawValue)Tests", dependencies: [.target(name: part.rawValue), "TestSupport"],
                    path: "Tests/\(part.rawValue)Tests", swiftSettings: testSwiftSettings),
    ]
}

/// The three targets of one service: its library (all of its code), a tiny executable, and
/// its tests. A service depends on Shared's core and the parts its row names, never on another
/// service.
func serviceTargets(_ service: (name: String, module: String, parts: [SharedPart])) -> [Target] {
    [
        .target(
            name: service.module,
            dependencies: ["Shared"] + service.parts.map { .target(name: $0.rawValue) },
            path: "Services/\(service.name)/Sources",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "EmbedServiceFiles")]
        ),
        .executableTarget(
            name: "\(service.module)Main",
            dependencies: [.target(name: service.module)],
            path: "Services/\(service.name)/Main",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "\(service.module)Tests",
            dependencies: [.target(name: service.module), "TestSupport",
                           .product(name: "HummingbirdTesting", package: "hummingbird")],
            path: "Tests/\(service.module)Tests",
            swiftSettings: testSwiftSettings
        ),
    ]
}
