import Foundation
import Hummingbird
import NIOCore
import Shared

extension AppRequestContext {
    /// The caller as the course rules see them (anonymous on public routes without a token).
    var viewer: Viewer { Viewer(principal) }

    /// A path parameter that must be a UUID; 400 naming it otherwise.
    func uuid(_ name: String) throws -> UUID {
        guard let id = UUID(uuidString: try parameters.require(name)) else {
            throw Problem.malformed("\(name) must be a UUID", field: name)
        }
        return id
    }
}

/// A JSON answer already written as text: a cached document, or one about to be cached.
struct JSONDocument: ResponseGenerator, Sendable {
    let text: String

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension JSONDocument {
    /// The value in the wire format.
    init(_ value: some Encodable) throws {
        text = String(decoding: try JSONCoding.makeEncoder().encode(value), as: UTF8.self)
    }
}

/// A list answered in one page: `{"items": [...], "nextCursor": null}`.
struct Listing<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    let items: [Item]
    let nextCursor: String? = nil

    private enum CodingKeys: String, CodingKey { case items, nextCursor }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}

extension CourseModule: ResponseEncodable {}
extension Cohort: ResponseEncodable {}
extension Review: ResponseEncodable {}
extension LessonDocument: ResponseEncodable {}
