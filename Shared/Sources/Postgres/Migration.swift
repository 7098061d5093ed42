import Crypto
import Foundation

/// One ordered step of a schema's history, applied once and never edited afterwards.
public struct Migration: Sendable, Equatable {
    /// A stable id, unique within the schema: `ledger/0001_accounts`, `outbox/0001_outbox`.
    public let id: String
    /// The SQL script; it may hold several statements.
    public let sql: String

    /// Creates a migration.
    public init(id: String, sql: String) {
        self.id = id
        self.sql = sql
    }

    /// A SHA-256 of the script, recorded when it is applied; a later mismatch means someone
    /// edited an applied step.
    public var checksum: String {
        HexDigits.text(SHA256.hash(data: Data(sql.utf8)))
    }

    /// The migrations of a service from its `migrations/*.sql` files (as embedded by the build),
    /// ordered by file name, with ids `<prefix>/<file name without .sql>`.
    /// - Parameters:
    ///   - prefix: usually the schema name.
    ///   - files: file names and their contents.
    public static func fromFiles(prefix: String, _ files: [(name: String, contents: String)]) -> [Migration] {
        files.sorted { $0.name < $1.name }.map { file in
            let stem = file.name.hasSuffix(".sql") ? String(file.name.dropLast(4)) : file.name
            return Migration(id: "\(prefix)/\(stem)", sql: file.contents)
        }
    }
}
