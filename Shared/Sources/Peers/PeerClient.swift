import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1
import W3CTraceContext

/// Calls one peer service over HTTP, the way every service calls every other: with a timeout,
/// retries with backoff for idempotent requests only, a circuit breaker, the current request's
/// id and trace, and credentials.
///
/// ```swift
/// let courses = PeerClient(name: "course-service", baseURL: try runtime.peerURL("course-service"),
///                          credentials: credentials, logger: logger)
/// let course = try await courses.get("/courses/\(id)", as: CourseSummary.self)
/// ```
public struct PeerClient: Sendable {
    /// How a call authenticates.
    public enum Authentication: Sendable {
        /// With this service's own credentials.
        case service
        /// With the bearer token of the request being served, acting for its caller.
        case caller
        /// Without credentials (public routes).
        case none
    }

    /// The peer's fleet name.
    public let name: String
    private let baseURL: String
    private let httpClient: HTTPClient
    private let credentials: ServiceCredentials?
    /// The peer's circuit breaker, shared by every call to it from this process.
    public let breaker: CircuitBreaker
    private let timeout: Duration
    private let retry: RetryPolicy
    private let logger: Logger

    /// Creates a client for one peer.
    public init(
        name: String, baseURL: String, credentials: ServiceCredentials?, httpClient: HTTPClient = PeerHTTPClient.shared,
        breaker: CircuitBreaker = CircuitBreaker(), timeout: Duration = .seconds(5), retry: RetryPolicy = RetryPolicy(),
        logger: Logger
    ) {
        self.name = name
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.httpClient = httpClient
        self.credentials = credentials
        self.breaker = breaker
        self.timeout = timeout
        self.retry = retry
        self.logger = logger
    }

    /// `GET` a JSON resource.
    /// - Throws: `PeerError.refused` for a 4xx answer (with the peer's problem), or a 503
    ///   `Problem` when the peer cannot be reached, keeps failing, or its breaker is open.
    public func get<Response: Decodable>(_ path: String, as type: Response.Type,
                                         authentication: Authentication = .service) async throws -> Response {
        let response = try await send(.GET, path, authentication: authentication)
        return try response.decode(Response.self, peer: name)
    }

    /// `POST` a JSON body and decode the JSON answer.
    /// - Parameter idempotencyKey: makes the call safe to retry; without one a POST is tried once.
    public func post<Response: Decodable>(
        _ path: String, body: some Encodable, as type: Response.Type, idempotencyKey: String? = nil,
        authentication: Authentication = .service
    ) async throws -> Response {
        let data = try JSONCoding.makeEncoder().encode(body)
        let response = try await send(.POST, path, body: data, idempotencyKey: idempotencyKey, authentication: authentication)
        return try response.decode(Response.self, peer: name)
    }

    /// Sends a request and returns the peer's answer, whatever its status.
    /// - Throws: a 503 `Problem` when the peer cannot be reached or keeps answering 502–504.
    public func send(
        _ method: HTTPMethod, _ path: String, body: Data? = nil, idempotencyKey: String? = nil,
        authentication: Authentication = .service
    ) async throws -> PeerResponse {
        let retryable = method.isIdempotent || idempotencyKey != nil
        let attempts = retryable ? retry.maxAttempts : 1
        var attempt = 1
        while true {
            guard breaker.allowsCall() else {
                throw Problem.unavailable(unavailableCode, "\(name) is failing; calls are paused", retryAfterSeconds: 5)
            }
            do {
                let response = try await attemptOnce(method, path, body: body, idempotencyKey: idempotencyKey,
                                                     authentication: authentication)
                if [502, 503, 504].contains(response.status) {
                    breaker.recordFailure()
                    if attempt < attempts {
                        try await Task.sleep(for: retry.delay(afterAttempt: attempt, retryAfter: response.retryAfter))
                        attempt += 1
                        continue
                    }
                    throw Problem.unavailable(unavailableCode, "\(name) is not available", retryAfterSeconds: 1)
                }
                breaker.recordSuccess()
                if response.status == 401, authentication == .service { await credentials?.invalidate() }
                return response
            } catch let problem as Problem {
                throw problem
            } catch {
                breaker.recordFailure()
                logger.warning("call to peer failed", metadata: ["peer": "\(name)", "path": "\(path)",
                                                                  "attempt": "\(attempt)", "error": "\(error)"])
                guard attempt < attempts else {
                    throw Problem.unavailable(unavailableCode, "\(name) cannot be reached", retryAfterSeconds: 1)
                }
                try await Task.sleep(for: retry.delay(afterAttempt: attempt))
                attempt += 1
            }
        }
    }

    /// The slug of the 503 when the peer cannot answer: its name in snake_case, like every slug
    /// (`course_service_unavailable`).
    var unavailableCode: String { name.replacingOccurrences(of: "-", with: "_") + "_unavailable" }

    private func attemptOnce(
        _ method: HTTPMethod, _ path: String, body: Data?, idempotencyKey: String?, authentication: Authentication
    ) async throws -> PeerResponse {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let trace = RequestTrace.current {
            request.headers.add(name: "X-Request-Id", value: trace.requestId)
            if let traceContext = trace.trace {
                request.headers.add(name: "traceparent", value: traceContext.traceParentHeaderValue)
            }
        }
        switch authentication {
        case .service:
            if let credentials { request.headers.add(name: "Authorization", value: "Bearer \(try await credentials.token())") }
        case .caller:
            if let token = RequestTrace.current?.bearerToken { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        case .none:
            break
        }
        if let idempotencyKey { request.headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await httpClient.execute(request, timeout: .init(timeout))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return PeerResponse(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: Data(buffer: bytes))
    }
}

/// A peer's answer.
public struct PeerResponse: Sendable {
    /// The HTTP status code.
    public let status: Int
    /// The response headers, in order.
    public let headers: [(String, String)]
    /// The body.
    public let body: Data

    /// The first value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    /// The `Retry-After` delay, when given in seconds.
    var retryAfter: Duration? {
        header("Retry-After").flatMap(Int.init).map { .seconds($0) }
    }

    /// Decodes a 2xx JSON body; any other status throws `PeerError.refused`.
    public func decode<T: Decodable>(_ type: T.Type, peer: String) throws -> T {
        guard (200..<300).contains(status) else {
            throw PeerError.refused(peer: peer, status: status, problem: try? JSONCoding.makeDecoder().decode(ProblemDocument.self, from: body))
        }
        return try JSONCoding.makeDecoder().decode(T.self, from: body)
    }
}

/// A peer refused a call (a 4xx, or another non-2xx the caller did not expect).
public enum PeerError: Error, CustomStringConvertible {
    /// The peer answered with this status and, when it sent one, this problem document.
    case refused(peer: String, status: Int, problem: ProblemDocument?)

    public var description: String {
        switch self {
        case .refused(let peer, let status, let problem):
            "\(peer) answered \(status)\(problem.map { ": \($0.code) \($0.detail)" } ?? "")"
        }
    }
}

extension HTTPMethod {
    /// Whether repeating the request has the same effect as sending it once (RFC 9110 §9.2.2).
    var isIdempotent: Bool {
        switch self {
        case .GET, .HEAD, .PUT, .DELETE, .OPTIONS, .TRACE: true
        default: false
        }
    }
}
