import Foundation
import Hummingbird
import NIOCore
import NIOFoundationEssentialsCompat

/// Decodes request bodies in the fleet's wire format and turns every decoding failure into a
/// problem that names the field at fault.
public struct WireJSONDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw Problem(.contentTooLarge, code: "body_too_large",
                          detail: "the body is larger than \(context.maxUploadSize) bytes")
        }
        return try Self.decode(T.self, from: buffer)
    }

    /// Decodes JSON, mapping failures to problems: unreadable JSON is a 400, a missing or
    /// mistyped field a 422 naming it. The text is read once by `JSONReader` and the value
    /// decoded from its tree (`JSONValueDecoder`), at a fraction of `JSONDecoder`'s cost.
    public static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        try decode(T.self, from: buffer.withUnsafeReadableBytes { try read($0) })
    }

    /// Decodes JSON from `Data`, as `decode(_:from:)` does from a buffer.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decode(T.self, from: data.withUnsafeBytes { try read($0) })
    }

    /// Decodes a value already read, as `decode(_:from:)` does from text.
    public static func decode<T: Decodable>(_ type: T.Type, from tree: JSONValue) throws -> T {
        if T.self == [String: JSONValue].self {
            guard case .object = tree else { throw Problem.invalid("body", "must be a JSON object") }
        }
        do {
            return try JSONValueDecoder.decode(T.self, from: tree)
        } catch let error as DecodingError {
            throw problem(for: error)
        }
    }

    /// JSON text of any shape; unreadable JSON is a 400 saying where it goes wrong.
    private static func read(_ bytes: UnsafeRawBufferPointer) throws -> JSONValue {
        do {
            return try JSONReader.parse(bytes)
        } catch let error as JSONReaderError {
            throw Problem.malformed("the body is not valid JSON (\(error.message) at byte \(error.offset))")
        }
    }

    static func problem(for error: DecodingError) -> Problem {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .malformed("the body is not valid JSON")
        case .keyNotFound(let key, let context):
            return .invalid(fieldPath(context.codingPath + [key]), "is required")
        case .valueNotFound(_, let context):
            return .invalid(fieldPath(context.codingPath), "must not be null")
        case .typeMismatch(let type, let context):
            return .invalid(fieldPath(context.codingPath), "must be \(describe(type))")
        case .dataCorrupted(let context):
            return .invalid(fieldPath(context.codingPath), context.debugDescription)
        @unknown default:
            return .malformed("the body cannot be read")
        }
    }

    /// `items[2].amount` for the coding path items → 2 → amount.
    static func fieldPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "body" : text
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        case is UUID.Type: "a UUID"
        case is Date.Type: "an RFC 3339 timestamp"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object of the documented shape"
        }
    }
}

/// A response body that can describe itself as a `JSONValue`: the encoder then writes it with
/// `JSONText`, a fraction of the cost of Foundation's encoder for large documents. Its
/// `Encodable` form must be the same document (encode `jsonValue`).
public protocol JSONValueConvertible {
    var jsonValue: JSONValue { get }
}

extension JSONValue: JSONValueConvertible {
    public var jsonValue: JSONValue { self }
}

/// A response body that writes its own JSON text, for instance around a document's text as it
/// was stored, so that a large document is not written twice. The encoder prefers it to
/// `jsonValue`; both must describe the same document.
public protocol JSONTextConvertible: JSONValueConvertible {
    var jsonText: String { get }
}

/// Encodes response bodies in the fleet's wire format.
public struct WireJSONEncoder: ResponseEncoder {
    public init() {}

    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        let body: ByteBuffer
        if let convertible = value as? any JSONTextConvertible {
            body = ByteBuffer(string: convertible.jsonText)
        } else if let convertible = value as? any JSONValueConvertible {
            body = ByteBuffer(string: JSONText.write(convertible.jsonValue))
        } else {
            body = ByteBuffer(bytes: try JSONCoding.makeEncoder().encode(value))
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(body.readableBytes)],
            body: .init(byteBuffer: body))
    }
}
