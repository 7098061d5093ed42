import CHiredis
import NIOCore

/// hiredis's protocol parser over bytes that arrive in pieces: feed it what the socket read and
/// take out the replies that are whole. The socket itself is SwiftNIO's (`RedisCommandHandler`).
final class RedisReplyReader {
    private let reader: UnsafeMutablePointer<redisReader>

    init() {
        guard let reader = redisReaderCreate() else { fatalError("hiredis could not allocate a reply reader") }
        self.reader = reader
    }

    deinit {
        redisReaderFree(reader)
    }

    /// Adds bytes read from the connection.
    /// - Throws: `RedisError` of kind `.connection` when the stream is not RESP.
    func feed(_ bytes: ByteBuffer) throws {
        let status = bytes.withUnsafeReadableBytes { raw in
            redisReaderFeed(reader, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count)
        }
        guard status == REDIS_OK else { throw protocolError() }
    }

    /// The next whole reply, or `nil` until more bytes arrive.
    /// - Throws: `RedisError` of kind `.connection` when the stream is not RESP.
    func next() throws -> RedisReply? {
        var raw: UnsafeMutableRawPointer?
        guard redisReaderGetReply(reader, &raw) == REDIS_OK else { throw protocolError() }
        guard let raw else { return nil }
        defer { freeReplyObject(raw) }
        return RedisReply(raw.assumingMemoryBound(to: redisReply.self))
    }

    private func protocolError() -> RedisError {
        let message = withUnsafeBytes(of: reader.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        return RedisError(kind: .connection, message: "unreadable reply: \(message)")
    }
}
