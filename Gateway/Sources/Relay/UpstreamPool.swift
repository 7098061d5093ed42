import NIOCore
import NIOHTTP1
import NIOPosix

/// The gateway's connections to the fleet's members from one event loop. Every client
/// connection on the loop borrows from it, so a request is relayed without a lock or a change of
/// thread, and a member sees a few long-lived connections rather than one per client.
///
/// At most `maxConnectionsPerMember` connections to a member are open from the loop; a request
/// beyond that waits for one to come free, for as long as opening one may take. Idle
/// connections are reused newest first, and one idle for longer than `idleTimeout` is closed
/// the next time its member is asked for.
final class UpstreamPool {
    typealias Completion = (Result<UpstreamConnection, RelayFailure>) -> Void

    let eventLoop: any EventLoop
    private let connectTimeout: TimeAmount
    private let maxConnectionsPerMember: Int
    private let idleTimeout: TimeAmount
    private var members: [UpstreamAddress: Member] = [:]
    private var nextWaiterId = 0
    private var closed = false

    /// One member's connections from this loop.
    private final class Member {
        var idle = CircularBuffer<UpstreamConnection>()
        var open = 0
        var waiting = CircularBuffer<Waiter>()
    }

    private struct Waiter {
        let id: Int
        let done: Completion
        let timeout: Scheduled<Void>
    }

    init(eventLoop: any EventLoop, connectTimeout: TimeAmount, maxConnectionsPerMember: Int, idleTimeout: TimeAmount = .seconds(60)) {
        self.eventLoop = eventLoop
        self.connectTimeout = connectTimeout
        self.maxConnectionsPerMember = maxConnectionsPerMember
        self.idleTimeout = idleTimeout
    }

    /// A connection to `address`: an idle one unless `fresh`, else a new one while under the
    /// limit, else the next one to come free. `done` is called on the loop, perhaps at once.
    func acquire(_ address: UpstreamAddress, fresh: Bool = false, _ done: @escaping Completion) {
        guard !closed else {
            done(.failure(.cannotConnect(ChannelError.ioOnClosedChannel)))
            return
        }
        let member = self.member(address)
        closeExpiredIdleConnections(of: member)
        if !fresh, let connection = member.idle.popLast() {
            done(.success(connection))
        } else if member.open < maxConnectionsPerMember {
            open(address, for: member, done)
        } else {
            wait(for: member, done)
        }
    }

    /// Takes back a connection whose exchange is complete and that may carry another.
    func release(_ connection: UpstreamConnection) {
        connection.completedExchange()
        guard !closed, connection.isActive else {
            connection.close()
            return
        }
        let member = self.member(connection.address)
        if let waiter = member.waiting.popFirst() {
            waiter.timeout.cancel()
            waiter.done(.success(connection))
            return
        }
        connection.idleSince = .now()
        member.idle.append(connection)
    }

    /// Closes a connection that must not carry another exchange.
    func discard(_ connection: UpstreamConnection) {
        connection.receiver = nil
        connection.close()
    }

    /// Closes every idle connection and refuses new ones; those in use close when their
    /// exchange ends.
    func close() -> EventLoopFuture<Void> {
        closed = true
        for member in members.values {
            while let connection = member.idle.popFirst() { connection.close() }
            while let waiter = member.waiting.popFirst() {
                waiter.timeout.cancel()
                waiter.done(.failure(.cannotConnect(ChannelError.ioOnClosedChannel)))
            }
        }
        return eventLoop.makeSucceededVoidFuture()
    }

    private func member(_ address: UpstreamAddress) -> Member {
        if let member = members[address] { return member }
        let member = Member()
        members[address] = member
        return member
    }

    private func open(_ address: UpstreamAddress, for member: Member, _ done: @escaping Completion) {
        member.open += 1
        ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // The request heads are the client's, parsed and held to the grammar already.
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                    try channel.pipeline.syncOperations.addHandler(UpstreamConnection(address: address))
                }
            }
            .connect(host: address.host, port: address.port)
            .assumeIsolated()
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    guard channel.isActive, let connection = try? channel.pipeline.syncOperations.handler(type: UpstreamConnection.self)
                    else {
                        channel.close(promise: nil)
                        self.connectionClosed(address, from: member)
                        done(.failure(.cannotConnect(ChannelError.ioOnClosedChannel)))
                        return
                    }
                    connection.onClose = { self.connectionClosed(address, from: member, connection) }
                    done(.success(connection))
                case .failure(let error):
                    self.connectionClosed(address, from: member)
                    done(.failure(.cannotConnect(error)))
                }
            }
    }

    private func wait(for member: Member, _ done: @escaping Completion) {
        nextWaiterId += 1
        let id = nextWaiterId
        let timeout = eventLoop.assumeIsolated().scheduleTask(in: connectTimeout) {
            guard let index = member.waiting.firstIndex(where: { $0.id == id }) else { return }
            member.waiting.remove(at: index)
            done(.failure(.cannotConnect(ChannelError.connectTimeout(self.connectTimeout))))
        }
        member.waiting.append(Waiter(id: id, done: done, timeout: timeout))
    }

    /// A connection closed or failed to open: its place goes to the first request waiting.
    private func connectionClosed(_ address: UpstreamAddress, from member: Member, _ connection: UpstreamConnection? = nil) {
        member.open -= 1
        if let connection, let index = member.idle.firstIndex(where: { $0 === connection }) {
            member.idle.remove(at: index)
        }
        if !closed, let waiter = member.waiting.popFirst() {
            waiter.timeout.cancel()
            open(address, for: member, waiter.done)
        }
    }

    private func closeExpiredIdleConnections(of member: Member) {
        guard !member.idle.isEmpty else { return }
        let now = NIODeadline.now()
        while let oldest = member.idle.first, now - oldest.idleSince > idleTimeout {
            member.idle.removeFirst()
            oldest.close()
        }
    }
}
