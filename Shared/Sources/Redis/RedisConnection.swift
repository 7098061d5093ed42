import CHiredis
import Foundation

/// One hiredis connection. Every method blocks (up to the command timeout), so callers run them
/// on a thread pool; the pool hands a connection to one task at a time, which is why it may be
/// marked `@unchecked Sendable`.
final class RedisConnection: @unchecked Sendable {
    private let context: UnsafeMutablePointer<redisContext>

    /// Connects, authenticates and selects the database.
    /// - Throws: `RedisError` of kind `.connection` when Redis cannot be reached or refuses us.
    init(settings: RedisSettings) throws {
        guard let context = redisConnectWithTimeout(settings.host, Int32(settings.port), makeTimeval(settings.connectTimeout))
        else {
            throw RedisError(kind: .connection, message: "cannot allocate a connection")
        }
        self.context = context
        guard context.pointee.err == 0 else {
            let message = Self.errorText(context)
            throw RedisError(kind: .connection, message: "\(settings.host):\(settings.port): \(message)")
        }
        redisSetTimeout(context, makeTimeval(settings.commandTimeout))
        redisEnableKeepAlive(context)
        for command in settings.greeting {
            if case .error(let message) = try send(command) { throw RedisError.greetingRefused(command, message) }
        }
    }

    deinit {
        redisFree(context)
    }

    /// Whether the connection still works: no error so far, and the server has not closed the
    /// socket while it sat idle (a non-blocking peek reads end-of-file in that case).
    var isUsable: Bool {
        guard context.pointee.err == 0 else { return false }
        var byte: UInt8 = 0
        let received = recv(context.pointee.fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        if received == 0 { return false }
        if received < 0 { return errno == EAGAIN || errno == EWOULDBLOCK }
        // Unread data on an idle connection means the stream is out of step: not reusable.
        return false
    }

    /// Changes how long a command may wait for its reply (longer for blocking reads).
    func setTimeout(_ timeout: Duration) {
        redisSetTimeout(context, makeTimeval(timeout))
    }

    /// Sends one command and waits for its reply; an error reply is returned, not thrown.
    /// - Throws: `RedisError` of kind `.connection` when the connection fails or times out.
    func send(_ arguments: [String]) throws -> RedisReply {
        try append(arguments)
        return try readReply()
    }

    /// Sends several commands in one write and reads their replies in order.
    func pipeline(_ commands: [[String]]) throws -> [RedisReply] {
        for command in commands { try append(command) }
        return try commands.map { _ in try readReply() }
    }

    private func append(_ arguments: [String]) throws {
        var argv = CValueArray()
        for argument in arguments { argv.append(argument.utf8) }
        let status = argv.withPointers { pointers in
            argv.lengths.withUnsafeBufferPointer { lengths in
                redisAppendCommandArgv(context, Int32(argv.count), pointers, lengths.baseAddress)
            }
        }
        guard status == REDIS_OK else { throw connectionError() }
    }

    private func readReply() throws -> RedisReply {
        var raw: UnsafeMutableRawPointer?
        guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw connectionError() }
        defer { freeReplyObject(raw) }
        return RedisReply(raw.assumingMemoryBound(to: redisReply.self))
    }

    private func connectionError() -> RedisError {
        RedisError(kind: .connection, message: Self.errorText(context))
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

extension RedisConnection: PoolableConnection {}

private func makeTimeval(_ duration: Duration) -> timeval {
    let (seconds, attoseconds) = duration.components
    return timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
}
