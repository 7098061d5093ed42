import Crypto
import Foundation

/// A Lua script run atomically by Redis, sent by its SHA-1 and loaded again when the server has
/// forgotten it (after a restart or `SCRIPT FLUSH`).
public struct RedisScript: Sendable {
    /// The Lua source.
    public let source: String
    /// The SHA-1 Redis knows the script by.
    public let sha: String

    /// Creates a script from its source.
    public init(_ source: String) {
        self.source = source
        sha = HexDigits.text(Insecure.SHA1.hash(data: Data(source.utf8)))
    }
}
