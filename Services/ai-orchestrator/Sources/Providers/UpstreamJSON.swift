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
        do {
            return try buffer.withUnsafeReadableBytes { try JSONReader.parse($0) }
        } catch {
            throw ProviderError.malformedResponse(message: "the answer is not JSON (\(buffer.readableBytes) bytes)")
        }
    }

    /// Parses one event's data.
    static func parse(_ text: String) throws -> JSONValue {
        do {
            return try JSONReader.parse(text)
        } catch {
            throw ProviderError.malformedResponse(message: "an event is not JSON (\(text.utf8.count) bytes)")
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
