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

    /// One call of the script, spelled by SHA-1 (`EVALSHA`), or with the source (`EVAL`) for
    /// when the first is answered `needsSource`.
    struct Call: Sendable {
        let script: RedisScript
        /// The key count, the keys and the other arguments.
        let invocation: [String]

        var bySHA: [String] { ["EVALSHA", script.sha] + invocation }
        var withSource: [String] { ["EVAL", script.source] + invocation }
    }

    /// A call of the script.
    /// - Parameters:
    ///   - keys: the keys it touches (`KEYS[1…]`).
    ///   - arguments: its other arguments (`ARGV[1…]`).
    func call(keys: [String], arguments: [String]) -> Call {
        var invocation = [String(keys.count)]
        invocation.reserveCapacity(1 + keys.count + arguments.count)
        invocation += keys
        invocation += arguments
        return Call(script: self, invocation: invocation)
    }

    /// Whether a reply to `EVALSHA` says Redis does not have the script.
    static func needsSource(_ reply: RedisReply) -> Bool {
        if case .error(let message) = reply { message.hasPrefix("NOSCRIPT") } else { false }
    }
}
