import NIOHTTP1

/// Which headers cross the gateway, in each direction (RFC 9110 §7.6.1).
enum ForwardedHeaders {
    /// Headers that describe one connection, not the message, and must not be forwarded.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "proxy-connection",
    ]

    /// Headers the gateway sets itself on the way in, whatever the client sent. `Expect` is
    /// answered by the gateway, so the member must not answer it again.
    static let replacedUpstream: Set<String> = [
        "host", "x-request-id", "traceparent", "x-forwarded-proto", "x-forwarded-host", "expect",
    ]

    /// The headers to send upstream: the client's, less hop-by-hop ones, plus `Host`, the
    /// `X-Forwarded-*` trio and this hop's request id and trace.
    /// - Parameter chunked: whether the client's body is chunked; the framing is hop-by-hop, so
    ///   it is declared again for the member.
    static func upstream(
        from client: HTTPHeaders, clientAddress: String?, authority: String, requestId: String, traceparent: String,
        chunked: Bool
    ) -> HTTPHeaders {
        let listed = connectionListed(client)
        var headers = HTTPHeaders()
        headers.reserveCapacity(client.count + 6)
        headers.add(name: "Host", value: authority)
        var forwardedFor: String?
        var forwardedHost: String?
        var forwardedProto = "http"
        for (name, value) in client {
            let lowercased = name.lowercased()
            switch lowercased {
            case "x-forwarded-for": forwardedFor = forwardedFor.map { "\($0), \(value)" } ?? value
            case "x-forwarded-proto": forwardedProto = value
            case "host": forwardedHost = value
            default:
                guard !hopByHop.contains(lowercased), !replacedUpstream.contains(lowercased),
                    listed.isEmpty || !listed.contains(lowercased)
                else { continue }
                headers.add(name: name, value: value)
            }
        }
        if let clientAddress { forwardedFor = forwardedFor.map { "\($0), \(clientAddress)" } ?? clientAddress }
        if let forwardedFor { headers.add(name: "X-Forwarded-For", value: forwardedFor) }
        headers.add(name: "X-Forwarded-Proto", value: forwardedProto)
        if let forwardedHost { headers.add(name: "X-Forwarded-Host", value: forwardedHost) }
        headers.add(name: "X-Request-Id", value: requestId)
        headers.add(name: "traceparent", value: traceparent)
        if chunked { headers.add(name: "Transfer-Encoding", value: "chunked") }
        return headers
    }

    /// The headers to send back to the client: the member's, less hop-by-hop ones.
    static func downstream(from upstream: HTTPHeaders) -> HTTPHeaders {
        // Most answers carry none, and are passed on as they are.
        guard upstream.contains(where: { isHopByHop($0.name) }) else { return upstream }
        let listed = connectionListed(upstream)
        var headers = HTTPHeaders()
        headers.reserveCapacity(upstream.count + 12)
        for (name, value) in upstream {
            let lowercased = name.lowercased()
            guard !hopByHop.contains(lowercased), listed.isEmpty || !listed.contains(lowercased) else { continue }
            headers.add(name: name, value: value)
        }
        return headers
    }

    /// Whether a name is one of `hopByHop`, lowercasing only names of a length one has.
    private static func isHopByHop(_ name: String) -> Bool {
        switch name.utf8.count {
        case 2, 7, 10, 16, 17, 18, 19: hopByHop.contains(name.lowercased())
        default: false
        }
    }

    /// The names listed in `Connection`, which are hop-by-hop for this message too.
    private static func connectionListed(_ headers: HTTPHeaders) -> Set<String> {
        var names: Set<String> = []
        for value in headers[canonicalForm: "connection"] {
            let name = value.lowercased()
            if name != "keep-alive" && name != "close" { names.insert(name) }
        }
        return names
    }
}
