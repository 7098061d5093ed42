import Foundation
import Hummingbird

/// An alias as stored, its targets in order, with when it was made and last changed.
struct AliasView: Encodable, Sendable, ResponseEncodable {
    let row: AliasRow
    var name: String { row.alias.name }

    init(_ row: AliasRow) {
        self.row = row
    }

    private enum Added: String, CodingKey { case createdAt, updatedAt }

    func encode(to encoder: any Encoder) throws {
        try row.alias.encode(to: encoder)
        var added = encoder.container(keyedBy: Added.self)
        try added.encode(row.createdAt, forKey: .createdAt)
        try added.encode(row.updatedAt, forKey: .updatedAt)
    }
}
