import HTTPTypes
import Shared

/// Why a member's answer could not be relayed, as the problem the client gets: 504 when the
/// member is too slow, 503 when it is stopped or cannot be reached, 502 when it answers nonsense
/// or hangs up.
enum RelayFailure: Error {
    case timedOut
    case cannotConnect(any Error)
    case broken(any Error)

    func problem(service: String) -> Problem {
        switch self {
        case .timedOut:
            Problem(.gatewayTimeout, code: "upstream_timeout", detail: "\(service) did not answer in time")
        case .cannotConnect:
            .unavailable("upstream_unavailable", "\(service) is not available", retryAfterSeconds: 1)
        case .broken:
            Problem(.badGateway, code: "bad_gateway", detail: "\(service) gave an answer the gateway cannot pass on")
        }
    }
}
