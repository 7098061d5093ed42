import Foundation
import Shared

extension JSONValue {
    /// A Codable value as a JSON value, in the fleet's wire form.
    static func from(_ value: some Encodable) throws -> JSONValue {
        try JSONCoding.makeDecoder().decode(JSONValue.self, from: JSONCoding.makeEncoder().encode(value))
    }
}
