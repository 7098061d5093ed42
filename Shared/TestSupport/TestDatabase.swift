import Foundation
import Logging
import Shared

/// A database on a fresh schema of the harness's PostgreSQL, so that every suite starts empty
/// and suites running at once never see each other's rows.
///
/// ```swift
/// try await withTestDatabase { database in
///     try await Migrator(database: database, logger: logger).migrate(migrations)
/// }
/// ```
/// - Parameters:
///   - maxConnections: the pool's size.
///   - acquireTimeout: how long a query waits for a connection.
///   - url: the server; the harness's by default.
///   - body: the test.
public func withTestDatabase<T>(
    maxConnections: Int = 8, acquireTimeout: Duration = .seconds(5), statementTimeout: Duration = .seconds(15),
    url: String = TestEnvironment.databaseURL, _ body: (Database) async throws -> T
) async throws -> T {
    let database = Database(
        settings: DatabaseSettings(
            url: url, schema: TestNames.unique("t"), maxConnections: maxConnections, acquireTimeout: acquireTimeout,
            statementTimeout: statementTimeout, applicationName: "azora-tests"),
        logger: TestLogger.make("postgres"))
    do {
        try await database.execute("CREATE SCHEMA \(identifier: database.settings.schema)")
        let result = try await body(database)
        await database.close()
        return result
    } catch {
        await database.close()
        throw error
    }
}

/// A Redis client on the harness's Redis whose keys carry a prefix of their own.
public func withTestRedis<T>(
    url: String = TestEnvironment.redisURL, commandTimeout: Duration = .seconds(2), _ body: (RedisClient) async throws -> T
) async throws -> T {
    let settings = RedisSettings(url: url, commandTimeout: commandTimeout, keyPrefix: TestNames.unique("t") + ":")!
    let redis = RedisClient(settings: settings, logger: TestLogger.make("redis"))
    do {
        let result = try await body(redis)
        await redis.close()
        return result
    } catch {
        await redis.close()
        throw error
    }
}

/// Names no other test uses.
public enum TestNames {
    /// `prefix_` followed by 12 random hex digits.
    public static func unique(_ prefix: String) -> String {
        prefix + "_" + UUID().lowercasedText.replacingOccurrences(of: "-", with: "").prefix(12)
    }
}

/// Loggers for tests: quiet unless `TEST_LOG_LEVEL` asks for more.
public enum TestLogger {
    /// A logger with the given label.
    public static func make(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return logger
    }
}
