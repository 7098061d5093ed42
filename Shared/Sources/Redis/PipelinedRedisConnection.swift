import NIOCore
import NIOPosix

/// A Redis connection that belongs to one SwiftNIO event loop. Commands go out as soon as they
/// are asked for, without waiting for earlier replies, and the commands asked for in one turn of
/// the loop share one write; replies come back on the loop. A caller that runs on the loop (a
/// channel handler) therefore never blocks a thread or changes threads for Redis, which
/// `RedisClient`'s blocking hiredis calls on a thread pool cannot offer.
///
/// ```swift
/// // in a channel handler, on its event loop
/// redis.run(script, keys: [key], arguments: ["1"]).assumeIsolated().whenComplete { result in … }
/// ```
///
/// Every method must be called on `eventLoop`. The connection opens when first used, and again
/// on the next command after it failed; whoever makes it closes it with `close()`.
public final class PipelinedRedisConnection {
    /// The loop the connection belongs to.
    public let eventLoop: any EventLoop
    private let settings: RedisSettings
    private var channel: (any Channel)?
    /// Commands asked for while the connection opens, sent once it is open.
    private var waitingForConnection: [RedisCommand]?
    private var flushScheduled = false
    private var closed = false

    /// Creates the connection; nothing is opened yet.
    public init(settings: RedisSettings, eventLoop: any EventLoop) {
        self.settings = settings
        self.eventLoop = eventLoop
    }

    /// Sends one command.
    /// - Returns: its reply; an error reply fails the future with `RedisError` of kind `.server`,
    ///   and a connection that cannot be opened or breaks with kind `.connection`.
    public func send(_ words: [String]) -> EventLoopFuture<RedisReply> {
        let result = eventLoop.makePromise(of: RedisReply.self)
        sendReturningErrors(words).whenComplete { result.completeWith(Self.failingOnErrorReplies($0)) }
        return result.futureResult
    }

    /// Runs a Lua script by its SHA-1, loading it first if Redis does not have it.
    /// - Parameters:
    ///   - script: the script.
    ///   - keys: the keys it touches (`KEYS[1…]`).
    ///   - arguments: its other arguments (`ARGV[1…]`).
    public func run(_ script: RedisScript, keys: [String], arguments: [String]) -> EventLoopFuture<RedisReply> {
        let call = script.call(keys: keys, arguments: arguments)
        let result = eventLoop.makePromise(of: RedisReply.self)
        sendReturningErrors(call.bySHA).assumeIsolated().whenComplete { outcome in
            if case .success(let reply) = outcome, RedisScript.needsSource(reply) {
                self.sendReturningErrors(call.withSource).whenComplete { result.completeWith(Self.failingOnErrorReplies($0)) }
            } else {
                result.completeWith(Self.failingOnErrorReplies(outcome))
            }
        }
        return result.futureResult
    }

    /// An error reply as the failure `RedisError` of kind `.server`.
    private static func failingOnErrorReplies(_ outcome: Result<RedisReply, any Error>) -> Result<RedisReply, any Error> {
        if case .success(.error(let message)) = outcome { return .failure(RedisError(kind: .server, message: message)) }
        return outcome
    }

    /// Closes the connection; later commands fail.
    public func close() -> EventLoopFuture<Void> {
        eventLoop.preconditionInEventLoop()
        closed = true
        guard let channel else { return eventLoop.makeSucceededVoidFuture() }
        self.channel = nil
        return channel.close().recover { _ in }
    }

    private func sendReturningErrors(_ words: [String]) -> EventLoopFuture<RedisReply> {
        eventLoop.preconditionInEventLoop()
        let command = RedisCommand(words: words, reply: eventLoop.makePromise())
        if closed {
            command.reply.fail(RedisError(kind: .connection, message: "the connection to Redis was closed"))
        } else if let channel, channel.isActive {
            write(command, to: channel)
        } else if waitingForConnection != nil {
            waitingForConnection!.append(command)
        } else {
            waitingForConnection = [command]
            connect()
        }
        return command.reply.futureResult
    }

    /// Writes a command now and flushes once the loop has run everything else ready this turn.
    /// The channel is active and this runs on its loop, so the command reaches the handler,
    /// which answers it or fails it when the connection closes.
    private func write(_ command: RedisCommand, to channel: any Channel) {
        channel.write(command, promise: nil)
        guard !flushScheduled else { return }
        flushScheduled = true
        eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            channel.flush()
        }
    }

    private func connect() {
        let commandTimeout = TimeAmount(settings.commandTimeout)
        let greeting = settings.greeting

        ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(settings.connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RedisCommandHandler(commandTimeout: commandTimeout))
                }
            }
            .connect(host: settings.host, port: settings.port)
            .flatMap { channel in
                // The greeting goes first on the connection; a refusal fails every command behind it.
                let replies = greeting.map { words in
                    let command = RedisCommand(words: words, reply: channel.eventLoop.makePromise())
                    channel.write(command, promise: nil)
                    return command.reply.futureResult.flatMapThrowing { reply in
                        if case .error(let message) = reply {
                            throw RedisError.greetingRefused(words, message)
                        }
                    }
                }
                channel.flush()
                return EventLoopFuture.andAllSucceed(replies, on: channel.eventLoop).map { channel }
                    .flatMapErrorThrowing { error in
                        channel.close(promise: nil)
                        throw error
                    }
            }
            .assumeIsolated()
            .whenComplete { result in
                let waiting = self.waitingForConnection ?? []
                self.waitingForConnection = nil
                switch result {
                case .success(let channel) where !self.closed:
                    self.channel = channel
                    for command in waiting { self.write(command, to: channel) }
                case .success(let channel):
                    channel.close(promise: nil)
                    for command in waiting { command.reply.fail(RedisError(kind: .connection, message: "the connection to Redis was closed")) }
                case .failure(let error):
                    let failure = error as? RedisError
                        ?? RedisError(kind: .connection, message: "\(self.settings.host):\(self.settings.port): \(error)")
                    for command in waiting { command.reply.fail(failure) }
                }
            }
    }
}
