import Foundation

/// Where the test harness (`make test`) started its throwaway PostgreSQL and Redis, and where the
/// built executables are.
public enum TestEnvironment {
    /// A superuser URL of the harness's PostgreSQL (`TEST_DATABASE_URL`).
    public static var databaseURL: String {
        required("TEST_DATABASE_URL", example: "postgres://postgres@127.0.0.1:55432/postgres")
    }

    /// The URL of the harness's Redis (`TEST_REDIS_URL`).
    public static var redisURL: String {
        required("TEST_REDIS_URL", example: "redis://127.0.0.1:56379")
    }

    /// The folder holding the built executables (`AZORA_BIN_DIR`, else `.build/debug`).
    public static var binDirectory: URL {
        if let folder = ProcessInfo.processInfo.environment["AZORA_BIN_DIR"] { return URL(fileURLWithPath: folder) }
        return packageRoot.appending(path: ".build/debug")
    }

    /// The repository's root folder.
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static func required(_ name: String, example: String) -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            fatalError("\(name) is not set: run the tests with `make test`, which starts the servers (e.g. \(name)=\(example))")
        }
        return value
    }
}
