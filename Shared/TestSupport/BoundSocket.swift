#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP socket bound to a port (by default one the kernel picks), but not listening.
///
/// While it is open nobody else can take the port, and a connection to it is
/// refused at once, which makes it the dependable stand-in for a stopped server.
public final class BoundSocket: @unchecked Sendable {
    public let port: Int
    private var descriptor: Int32

    /// Binds `127.0.0.1:port`; port 0 lets the kernel choose.
    public init(port requested: Int = 0) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(requested).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else {
            let reason = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw LocalProcessError(command: "bind", output: reason)
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// The URL of a server that would listen here.
    public var url: String { "http://127.0.0.1:\(port)" }

    public func close() {
        guard descriptor >= 0 else { return }
        Glibc.close(descriptor)
        descriptor = -1
    }

    deinit { close() }
}
