import Hummingbird
import NIOCore
import W3CTraceContext

/// The request context of every service and the gateway: Hummingbird's core storage plus the
/// request's id, its trace, and the caller once authenticated.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request id: the caller's `X-Request-Id` when it sent a sane one, otherwise a new one.
    public var requestId: String = ""
    /// This hop's W3C trace context: the caller's trace with a new span id, or a new trace.
    public var trace: TraceContext?
    /// The authenticated caller, when the request carried a valid access token.
    public var principal: Principal?
    /// The address of the peer that opened the connection.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// JSON bodies above this size are refused with 413 before decoding.
    public var maxUploadSize: Int { 1 << 20 }

    public var requestDecoder: WireJSONDecoder { WireJSONDecoder() }

    public var responseEncoder: WireJSONEncoder { WireJSONEncoder() }
}
