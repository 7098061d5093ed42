import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import Shared
import W3CTraceContext

/// Which headers cross the gateway, in each direction (RFC 9110 §7.6.1).
enum ForwardedHeaders {
    /// Headers that describe one connection, not the message, and must not be forwarded.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "proxy-connection",
    ]

    /// The names listed in `Connection`, which are hop-by-hop for this message too.
    static func connectionListed(_ fields: HTTPFields) -> Set<String> {
        Set(fields[values: .connection].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
    }

    /// The headers to send upstream: the client's, less hop-by-hop ones and `Host`, plus the
    /// `X-Forwarded-*` trio and this hop's request id and trace.
    static func upstream(from request: Request, context: AppRequestContext) -> HTTPHeaders {
        let dropped = hopByHop.union(connectionListed(request.headers)).union([
            "host", "x-request-id", "traceparent", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host",
        ])
        var headers = HTTPHeaders()
        for field in request.headers where !dropped.contains(field.name.canonicalName) {
            headers.add(name: field.name.rawName, value: field.value)
        }
        let clientAddress = context.remoteAddress?.ipAddress
        let forwardedFor = (request.headers[values: .xForwardedFor] + [clientAddress].compactMap { $0 })
            .joined(separator: ", ")
        if !forwardedFor.isEmpty { headers.add(name: "X-Forwarded-For", value: forwardedFor) }
        headers.add(name: "X-Forwarded-Proto", value: request.headers[.xForwardedProto] ?? "http")
        if let host = request.head.authority {
            headers.add(name: "X-Forwarded-Host", value: host)
        }
        headers.add(name: "X-Request-Id", value: context.requestId)
        if let trace = context.trace { headers.add(name: "traceparent", value: trace.traceParentHeaderValue) }
        return headers
    }

    /// The headers to send back to the client: the upstream's, less hop-by-hop ones.
    static func downstream(from headers: HTTPHeaders) -> HTTPFields {
        let listed = Set(headers["connection"].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        var fields = HTTPFields()
        for (name, value) in headers where !hopByHop.contains(name.lowercased()) && !listed.contains(name.lowercased()) {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        return fields
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
}
