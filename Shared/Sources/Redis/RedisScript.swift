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

    /// One call's two spellings: by SHA-1 (`EVALSHA`), and with the source (`EVAL`) for when the
    /// first is answered `needsSource`.
    /// - Parameters:
    ///   - keys: the keys it touches (`KEYS[1…]`).
    ///   - arguments: its other arguments (`ARGV[1…]`).
    func commands(keys: [String], arguments: [String]) -> (bySHA: [String], withSource: [String]) {
        var invocation = [String(keys.count)]
        invocation.reserveCapacity(1 + keys.count + arguments.count)
        invocation += keys
        invocation += arguments
        return (["EVALSHA", sha] + invocation, ["EVAL", source] + invocation)
    }

    /// Whether a reply to `EVALSHA` says Redis does not have the script.
    static func needsSource(_ reply: RedisReply) -> Bool {
        if case .error(let message) = reply { message.hasPrefix("NOSCRIPT") } else { false }
    }
}
