import NIOCore

/// One command for Redis, and where its reply goes.
struct RedisCommand {
    let words: [String]
    let reply: EventLoopPromise<RedisReply>
}

/// Writes commands in RESP and gives each reply to the command that asked for it, in order, so
/// that any number of commands can be in flight on one connection.
///
/// A reply that has not come within `commandTimeout` closes the connection and fails every
/// command still waiting: a connection that fell behind can no longer be trusted to be in step.
/// One timer watches the oldest command, rather than one timer per command.
final class RedisCommandHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisCommand
    typealias OutboundOut = ByteBuffer

    private let reader = RedisReplyReader()
    private let commandTimeout: TimeAmount
    private var waiting = CircularBuffer<(reply: EventLoopPromise<RedisReply>, deadline: NIODeadline)>()
    private var watchdog: Scheduled<Void>?
    /// Why the connection is being closed, for the commands still waiting.
    private var closingError: (any Error)?

    init(commandTimeout: TimeAmount) {
        self.commandTimeout = commandTimeout
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let command = unwrapOutboundIn(data)
        var bytes = context.channel.allocator.buffer(capacity: 16 + command.words.reduce(0) { $0 + $1.utf8.count + 16 })
        bytes.writeRESPArray(command.words)
        waiting.append((command.reply, .now() + commandTimeout))
        context.write(wrapOutboundOut(bytes), promise: promise)
        watchOldestCommand(context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            try reader.feed(unwrapInboundIn(data))
            while let reply = try reader.next() {
                guard let command = waiting.popFirst() else {
                    throw RedisError(kind: .connection, message: "Redis sent a reply no command asked for")
                }
                command.reply.succeed(reply)
            }
        } catch {
            close(context, failingWaitingWith: error)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        close(context, failingWaitingWith: RedisError(kind: .connection, message: "\(error)"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        failWaiting(closingError ?? RedisError(kind: .connection, message: "the connection to Redis closed"))
        watchdog?.cancel()
        watchdog = nil
        context.fireChannelInactive()
    }

    /// Closes the connection first and fails the waiting commands after, so that a command asked
    /// for by a failed one's callback finds the connection closed and opens a new one.
    private func close(_ context: ChannelHandlerContext, failingWaitingWith error: any Error) {
        closingError = closingError ?? error
        context.close(promise: nil)
        failWaiting(error)
    }

    private func failWaiting(_ error: any Error) {
        while let command = waiting.popFirst() {
            command.reply.fail(error)
        }
    }

    private func watchOldestCommand(context: ChannelHandlerContext) {
        guard watchdog == nil, let oldest = waiting.first else { return }
        watchdog = context.eventLoop.assumeIsolated().scheduleTask(deadline: oldest.deadline) {
            self.watchdog = nil
            guard let oldest = self.waiting.first else { return }
            guard oldest.deadline <= .now() else {
                self.watchOldestCommand(context: context)
                return
            }
            self.close(context, failingWaitingWith: RedisError(kind: .connection, message: "Redis did not answer within \(self.commandTimeout)"))
        }
    }
}

extension ByteBuffer {
    /// Writes a command as RESP: an array of bulk strings.
    mutating func writeRESPArray(_ words: [String]) {
        writeInteger(UInt8(ascii: "*"))
        writeString(String(words.count))
        writeStaticString("\r\n")
        for word in words {
            writeInteger(UInt8(ascii: "$"))
            writeString(String(word.utf8.count))
            writeStaticString("\r\n")
            writeString(word)
            writeStaticString("\r\n")
        }
    }
}
