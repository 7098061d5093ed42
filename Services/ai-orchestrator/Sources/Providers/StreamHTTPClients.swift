import AsyncHTTPClient
import Shared
import Synchronization

/// The HTTP clients upstream streams are read with, one per idle limit, alive for the whole
/// process like `PeerHTTPClient.shared`.
///
/// A stream's idle limit (the longest wait for its next bytes) is the client's read timeout,
/// which AsyncHTTPClient resets on every read on the event loop itself. Timing each read from
/// the reading task instead cost two child tasks and a timer per chunk, a large part of what
/// the orchestrator added to every streamed chunk. The read timeout also runs while a slow
/// client holds the stream back, so a client that stops reading for a whole idle limit ends
/// the stream as timed out too.
enum StreamHTTPClients {
    /// Idle limits come from providers' timeouts (whole seconds), so there are few of them.
    private static let clients = Mutex<[Duration: HTTPClient]>([:])

    /// The client whose read timeout is `idleLimit`.
    static func client(idleLimit: Duration) -> HTTPClient {
        clients.withLock { clients in
            if let client = clients[idleLimit] { return client }
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: PeerHTTPClient.configuration(readTimeout: idleLimit))
            clients[idleLimit] = client
            return client
        }
    }
}
