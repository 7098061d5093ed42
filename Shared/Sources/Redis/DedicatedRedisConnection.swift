import NIOPosix

/// A Redis connection owned by one long-running loop (an event consumer), with a thread of its
/// own so that its blocking reads never hold up the shared pool. It reconnects on the next
/// command after a failure.
public actor DedicatedRedisConnection {
    private let settings: RedisSettings
    private let commandTimeout: Duration
    private let thread: NIOThreadPool
    private var connection: RedisConnection?

    init(settings: RedisSettings, commandTimeout: Duration) {
        var settings = settings
        settings.commandTimeout = commandTimeout
        self.settings = settings
        self.commandTimeout = commandTimeout
        thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
    }

    /// Sends one command and returns its reply; an error reply is thrown as `RedisError`.
    @discardableResult
    public func send(_ words: [String]) async throws -> RedisReply {
        let connection = try await connected()
        do {
            let reply = try await thread.runIfActive { try connection.send(words) }
            if case .error(let message) = reply { throw RedisError(kind: .server, message: message) }
            return reply
        } catch let error as RedisError where error.kind == .connection {
            self.connection = nil
            throw error
        }
    }

    /// Closes the connection and stops the thread.
    public func close() async {
        connection = nil
        try? await thread.shutdownGracefully()
    }

    private func connected() async throws -> RedisConnection {
        if let connection, connection.isUsable { return connection }
        let settings = settings
        let fresh = try await thread.runIfActive { try RedisConnection(settings: settings) }
        connection = fresh
        return fresh
    }
}
