import Foundation
import NIOCore
import NIOFoundationEssentialsCompat
import Shared

/// Reading and writing upstream JSON. A namespace rather than `JSONValue` members, so that the
/// adapters' helpers cannot collide with what other parts of the module add to `JSONValue`.
enum UpstreamJSON {
    /// Parses an answer's bytes.
    /// - Throws: `ProviderError.malformedResponse` when they are not JSON.
    static func parse(_ buffer: ByteBuffer) throws -> JSONValue {
        try parse(Data(buffer: buffer), what: "the answer")
    }

    /// Parses one event's data.
    static func parse(_ text: String) throws -> JSONValue {
        try parse(Data(text.utf8), what: "an event")
    }

    private static func parse(_ data: Data, what: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw ProviderError.malformedResponse(message: "\(what) is not JSON (\(data.count) bytes)")
        }
    }

    /// A request body as bytes, written with `JSONText` (cheaper than `JSONEncoder`).
    static func bytes(_ object: [String: JSONValue]) -> ByteBuffer {
        ByteBuffer(string: JSONText.write(.object(object)))
    }

    /// A whole number, when the value is one.
    static func int(_ value: JSONValue?) -> Int? {
        guard case .number(let number)? = value, number.rounded() == number, abs(number) < 9e15 else { return nil }
        return Int(number)
    }

    /// The members, when the value is an object.
    static func object(_ value: JSONValue?) -> [String: JSONValue]? {
        if case .object(let members)? = value { return members }
        return nil
    }

    /// The items, when the value is an array.
    static func array(_ value: JSONValue?) -> [JSONValue]? {
        if case .array(let items)? = value { return items }
        return nil
    }

    /// The Unix time now, as OpenAI's `created`.
    static func now() -> JSONValue {
        .number(Double(Int(Date().timeIntervalSince1970)))
    }
}
