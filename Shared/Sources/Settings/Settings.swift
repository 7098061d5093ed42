import Configuration
import Foundation

/// A process's settings, read from environment variables (12-factor) by their variable names.
///
/// A malformed value is never silently replaced by its default: reading it throws a
/// `SettingsError` whose description is the one line `ServiceMain` prints before exiting.
///
/// ```swift
/// let port = try settings.int("PORT", default: 8118, in: 1...65535)
/// let secret = try settings.requiredString("SIGNING_KEY", secret: true)
/// ```
public struct Settings: Sendable {
    /// The reader the values come from.
    public let reader: ConfigReader

    /// Reads settings through a configuration reader (`EnvironmentVariablesProvider` in
    /// production; the same provider over a dictionary in tests).
    public init(reader: ConfigReader) {
        self.reader = reader
    }

    /// Settings from this process's environment.
    public static func environment() -> Settings {
        Settings(reader: ConfigReader(provider: EnvironmentVariablesProvider()))
    }

    /// Settings from a dictionary of variable names and values, for tests.
    public static func values(_ values: [String: String]) -> Settings {
        Settings(reader: ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: values)))
    }

    /// The raw text of a setting, or `nil` when it is not set or empty.
    public func raw(_ name: String, secret: Bool = false) -> String? {
        guard let value = reader.string(forKey: ConfigKey([name]), isSecret: secret), !value.isEmpty else {
            return nil
        }
        return value
    }

    /// A text setting with a default.
    public func string(_ name: String, default defaultValue: String) -> String {
        raw(name) ?? defaultValue
    }

    /// A text setting that must be set.
    /// - Throws: `SettingsError.missing` when it is not.
    public func requiredString(_ name: String, secret: Bool = false) throws(SettingsError) -> String {
        guard let value = raw(name, secret: secret) else { throw .missing(name) }
        return value
    }

    /// A whole-number setting with a default, optionally bounded.
    public func int(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>? = nil) throws(SettingsError)
        -> Int
    {
        guard let text = raw(name) else { return defaultValue }
        guard let value = Int(text) else { throw .malformed(name, text, expected: "a whole number") }
        if let range, !range.contains(value) {
            throw .malformed(name, text, expected: "a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A duration given in milliseconds (`…_MS`), with a default.
    public func milliseconds(_ name: String, default defaultValue: Duration) throws(SettingsError) -> Duration {
        guard let text = raw(name) else { return defaultValue }
        guard let value = Int(text), value >= 0 else {
            throw .malformed(name, text, expected: "a whole number of milliseconds")
        }
        return .milliseconds(value)
    }

    /// A yes/no setting (`true`/`false`, `1`/`0`, `yes`/`no`), with a default.
    public func bool(_ name: String, default defaultValue: Bool) throws(SettingsError) -> Bool {
        guard let text = raw(name) else { return defaultValue }
        switch text.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw .malformed(name, text, expected: "true or false")
        }
    }

    /// A comma-separated list, with a default; blank items are dropped.
    public func list(_ name: String, default defaultValue: [String]) -> [String] {
        guard let text = raw(name) else { return defaultValue }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// An absolute URL with one of the given schemes, with a default.
    public func url(_ name: String, default defaultValue: String, schemes: Set<String> = ["http", "https"])
        throws(SettingsError) -> URL
    {
        let text = raw(name, secret: true) ?? defaultValue
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), schemes.contains(scheme),
            url.host != nil
        else {
            // The value may hold a password, so only its scheme is repeated.
            throw .malformed(name, nil, expected: "a URL starting with " + schemes.sorted().map { "\($0)://" }.joined(separator: " or "))
        }
        return url
    }
}

/// A setting that is missing or malformed; its description is one line naming the variable.
public enum SettingsError: Error, CustomStringConvertible, Equatable {
    /// A required setting is not set.
    case missing(String)
    /// A setting is set but cannot be used; the value is omitted when it may be secret.
    case malformed(String, String?, expected: String)

    public var description: String {
        switch self {
        case .missing(let name):
            "setting \(name) is required but not set"
        case .malformed(let name, let value?, let expected):
            "setting \(name)=\(value) is not valid: expected \(expected)"
        case .malformed(let name, nil, let expected):
            "setting \(name) is not valid: expected \(expected)"
        }
    }
}
