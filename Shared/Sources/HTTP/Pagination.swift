import Foundation
import Hummingbird

/// The `?limit=&cursor=` of a list request, read and checked.
///
/// A cursor is opaque to clients: the encoded position after the last item of the previous
/// page (keyset pagination), so pages stay stable while rows are added.
///
/// ```swift
/// let page = try PageRequest(request, defaultLimit: 50)
/// let after = try page.decodeCursor(TransferCursor.self)
/// ...
/// return Page(items: transfers, limit: page.limit) { TransferCursor(createdAt: $0.createdAt, id: $0.id) }
/// ```
public struct PageRequest: Sendable {
    /// How many items to return.
    public let limit: Int
    /// The cursor the client sent, still encoded.
    public let cursor: String?

    /// Reads `limit` and `cursor` from the query.
    /// - Throws: a 422 `Problem` naming `limit` when it is not a number from 1 to `maxLimit`.
    public init(_ request: Request, defaultLimit: Int = 50, maxLimit: Int = 200) throws {
        let query = request.uri.queryParameters
        if let text = query["limit"].map(String.init) {
            guard let value = Int(text), (1...maxLimit).contains(value) else {
                throw Problem.invalid("limit", "must be a whole number from 1 to \(maxLimit)")
            }
            limit = value
        } else {
            limit = defaultLimit
        }
        cursor = query["cursor"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The decoded cursor, or `nil` on the first page.
    /// - Throws: a 422 `Problem` naming `cursor` when it was not made by this service.
    public func decodeCursor<Position: Decodable>(_ type: Position.Type) throws -> Position? {
        guard let cursor else { return nil }
        guard let data = Data(base64URLEncoded: cursor),
            let position = try? JSONCoding.makeDecoder().decode(Position.self, from: data)
        else {
            throw Problem.invalid("cursor", "is not a cursor from a previous page")
        }
        return position
    }
}

/// One page of a list: `{"items": [...], "nextCursor": ...}`.
public struct Page<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    /// The items of this page.
    public let items: [Item]
    /// The cursor of the next page; `null` on the last one.
    public let nextCursor: String?

    /// A page from rows fetched with `LIMIT limit + 1`: the extra row, if present, only says
    /// that another page exists.
    /// - Parameters:
    ///   - items: up to `limit + 1` items in order.
    ///   - limit: the page size asked for.
    ///   - position: the cursor position of an item.
    public init<Position: Encodable>(items: [Item], limit: Int, position: (Item) -> Position) {
        if items.count > limit {
            let pageItems = Array(items.prefix(limit))
            self.items = pageItems
            nextCursor = pageItems.last.flatMap { item in
                (try? JSONCoding.makeEncoder().encode(position(item)))?.base64URLEncodedString()
            }
        } else {
            self.items = items
            nextCursor = nil
        }
    }

    /// A page with an explicit next cursor.
    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}
