import Foundation
import HTTPTypes
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import Shared

/// What a request must pass before the gateway relays it, in this order: a body within the size
/// limit; a valid access token, unless its route is public; its caller's rate limit; a path
/// without dot segments; a route; and a deployed member behind it. The principal the token
/// names keys the rate limit; the token itself goes on unchanged, since each member verifies it
/// again and decides authorisation itself.
struct Admission: Sendable {
    let routes: RouteTable
    let upstreams: [String: UpstreamAddress]
    let publicRoutes: PublicRoutes
    let verifier: AccessTokenVerifier
    /// `nil` when rate limits are off.
    let rateLimits: RateLimitPolicies?
    let limiter: RateLimiter?
    let maxBodyBytes: Int
    let logger: Logger

    /// An admitted request, with what admission found out, and where it goes.
    struct Ticket: Sendable {
        let request: GatewayRequest
        let upstream: UpstreamAddress
    }

    /// Why a request was not admitted, and the request as admission left it (its caller and
    /// rate limit, for the answer and the log).
    struct Refusal: Error {
        let problem: any ProblemError
        let request: GatewayRequest
    }

    /// What admission decided.
    typealias Verdict = Result<Ticket, Refusal>

    /// Checks a request from its head and calls `decided` with the verdict, on `loop` (at once
    /// when nothing had to be waited for). Call on `loop`.
    /// - Parameter clientAddress: the connection's peer, which keys the rate limit of callers
    ///   without a token.
    func admit(_ request: GatewayRequest, clientAddress: String?, on loop: any EventLoop, _ decided: @escaping (Verdict) -> Void) {
        var request = request
        if let length = request.head.headers.first(name: "content-length").flatMap(Int.init), length > maxBodyBytes {
            return decided(.failure(Refusal(problem: Self.bodyTooLarge(maxBodyBytes), request: request)))
        }
        guard let method = HTTPRequest.Method(request.head.method.rawValue) else {
            return decided(.failure(Refusal(problem: Problem.malformed("the method is not valid"), request: request)))
        }
        if publicRoutes.contains(method: method, segments: request.segments) {
            return limitRate(request, method: method, clientAddress: clientAddress, on: loop, decided)
        }
        guard let header = request.head.headers.first(name: "authorization") else {
            return decided(.failure(Refusal(problem: Problem.unauthenticated("this route needs an access token: `Authorization: Bearer <token>`"), request: request)))
        }
        guard let token = BearerToken.parse(header) else {
            return decided(.failure(Refusal(problem: Problem.unauthenticated("the Authorization header must be `Bearer <token>`"), request: request)))
        }
        if let principal = verifier.cachedPrincipal(for: token) {
            request.principal = principal
            return limitRate(request, method: method, clientAddress: clientAddress, on: loop, decided)
        }
        // A token not seen before: its signature is checked off the loop.
        let verifier = self.verifier
        loop.makeFutureWithTask { try await verifier.verify(token) }.assumeIsolated().whenComplete { [request] result in
            switch result {
            case .success(let principal):
                var verified = request
                verified.principal = principal
                limitRate(verified, method: method, clientAddress: clientAddress, on: loop, decided)
            case .failure(let error):
                decided(.failure(Refusal(problem: error as? any ProblemError ?? Problem.unauthenticated(), request: request)))
            }
        }
    }

    private func limitRate(_ request: GatewayRequest, method: HTTPRequest.Method, clientAddress: String?, on loop: any EventLoop,
                           _ decided: @escaping (Verdict) -> Void) {
        guard let rateLimits, let limiter, let policy = rateLimits.policy(method: method, segments: request.segments) else {
            return decided(route(request))
        }
        let caller = request.principal.map { "user:" + $0.subject } ?? "ip:" + (clientAddress ?? "unknown")
        limiter.take(key: caller, policy: policy, on: loop) { decision in
            var request = request
            let state = RateLimitState(policy: policy, decision: decision)
            if !policy.shadow { request.rateLimit = state }
            if !decision.allowed {
                Counter(label: "gateway_rate_limited_total", dimensions: [("policy", policy.name), ("shadow", String(policy.shadow))]).increment()
                guard policy.shadow else { return decided(.failure(Refusal(problem: state.tooManyRequests, request: request))) }
                logger.notice("rate limit would refuse (shadow mode)", metadata: ["policy": "\(policy.name)", "caller": "\(caller)"])
            }
            decided(route(request))
        }
    }

    /// The member that serves the request's path.
    private func route(_ request: GatewayRequest) -> Verdict {
        guard !Self.hasDotSegments(request.segments) else {
            return .failure(Refusal(problem: Problem.malformed("the path must not contain `.` or `..` segments"), request: request))
        }
        guard let route = routes.route(for: request.segments) else {
            return .failure(Refusal(problem: Problem(.notFound, code: "no_route", detail: "no service serves \(request.path)"), request: request))
        }
        guard let upstream = upstreams[route.service] else {
            return .failure(Refusal(problem: Problem.unavailable("service_not_deployed", "\(route.service) is not deployed here"), request: request))
        }
        var request = request
        request.route = route.pattern.description
        return .success(Ticket(request: request, upstream: upstream))
    }

    static func bodyTooLarge(_ maxBytes: Int) -> Problem {
        Problem(.contentTooLarge, code: "body_too_large", detail: "the body is larger than \(maxBytes) bytes")
    }

    static func hasDotSegments(_ segments: [Substring]) -> Bool {
        segments.contains { segment in
            // Only a segment with a dot or an escape can be one; decoding every segment of every
            // request was a fiftieth of the gateway's CPU.
            guard segment.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "%") }) else { return false }
            let decoded = segment.removingPercentEncoding ?? String(segment)
            return decoded == "." || decoded == ".."
        }
    }
}
