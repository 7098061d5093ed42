import Foundation
import Hummingbird

/// Typed query parameters: each reader returns `nil` when the parameter is absent or empty, and
/// throws a 422 naming the parameter when it is present but not a value of the type.
extension Request {
    /// The parameter's text.
    public func query(_ name: String) -> String? {
        uri.queryParameters[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// An RFC 3339 timestamp, such as `2026-01-31T00:00:00Z`.
    public func queryDate(_ name: String) throws -> Date? {
        guard let text = query(name) else { return nil }
        guard let date = Timestamp.parse(text) else { throw Problem.invalid(name, "must be an RFC 3339 timestamp") }
        return date
    }

    /// A UUID.
    public func queryUUID(_ name: String) throws -> UUID? {
        guard let text = query(name) else { return nil }
        guard let id = UUID(uuidString: text) else { throw Problem.invalid(name, "must be a UUID") }
        return id
    }

    /// One of the values of an enumeration, such as a status.
    public func queryEnum<Value: RawRepresentable & CaseIterable>(_ name: String, as type: Value.Type) throws -> Value?
    where Value.RawValue == String {
        guard let text = query(name) else { return nil }
        guard let value = Value(rawValue: text) else {
            throw Problem.invalid(name, "must be one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }
}
