import Foundation
/// A parameterised SQL statement, written as a string with interpolated values.
///
/// Every interpolated value becomes a numbered parameter (`$1`, `$2`, …) sent apart from the
/// text, so a value can never change the statement:
///
/// ```swift
/// let rows = try await db.query("SELECT id, name FROM courses WHERE owner = \(userId) AND status = \(status)")
/// ```
///
/// Fragments compose: interpolating an `SQL` value appends its text and parameters, renumbered.
/// Identifiers that cannot be parameters (a schema name) go through `\(identifier: name)`, which
/// quotes them.
public struct SQL: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    enum Part: Sendable {
        case text(String)
        case parameter(PostgresParameter)
    }

    var parts: [Part]

    public init(stringLiteral value: String) {
        parts = [.text(value)]
    }

    public init(stringInterpolation: StringInterpolation) {
        parts = stringInterpolation.parts
    }

    /// Builds a statement from fragments, such as optional filters, joined by `separator`.
    public init(joining fragments: [SQL], separator: String) {
        parts = []
        for (index, fragment) in fragments.enumerated() {
            if index > 0 { parts.append(.text(separator)) }
            parts.append(contentsOf: fragment.parts)
        }
    }

    /// The statement text with `$n` placeholders, and the parameters in order.
    public func render() -> (text: String, parameters: [PostgresParameter]) {
        var text = ""
        var parameters: [PostgresParameter] = []
        for part in parts {
            switch part {
            case .text(let fragment):
                text += fragment
            case .parameter(let value):
                parameters.append(value)
                text += "$\(parameters.count)"
            }
        }
        return (text, parameters)
    }

    /// The statement text, without the parameter values (safe to log).
    public var description: String { render().text }

    /// Collects literal SQL and interpolated values.
    public struct StringInterpolation: StringInterpolationProtocol {
        var parts: [Part] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            parts.reserveCapacity(interpolationCount * 2 + 1)
        }

        public mutating func appendLiteral(_ literal: String) {
            parts.append(.text(literal))
        }

        /// A value, sent as a parameter.
        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            parts.append(.parameter(.text(value.postgresText)))
        }

        /// An array of UUIDs, bigints or strings, sent in the binary format (see
        /// `PostgresBinaryArrayElement`): cast it to its own type, `\(ids)::uuid[]`.
        public mutating func appendInterpolation<Element: PostgresBinaryArrayElement>(_ values: [Element]) {
            parts.append(.parameter(.binary(values.postgresBinary)))
        }

        /// An optional value, sent as a parameter or NULL. Spelled out so the compiler sees the
        /// optional is meant (and does not warn that it would print as `Optional(…)`).
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            parts.append(.parameter(.text(value?.postgresText ?? nil)))
        }

        /// A fragment of SQL with its own parameters.
        public mutating func appendInterpolation(_ fragment: SQL) {
            parts.append(contentsOf: fragment.parts)
        }

        /// An identifier (schema, table or column name), double-quoted with quotes doubled.
        public mutating func appendInterpolation(identifier: String) {
            parts.append(.text("\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""))
        }
    }
}
