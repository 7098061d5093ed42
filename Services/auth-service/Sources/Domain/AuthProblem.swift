import Foundation
import HTTPTypes
import Shared

/// The refusals of auth-service that the common problems do not cover.
enum AuthProblem {
    static func invalidCredentials() -> Problem {
        Problem(.unauthorized, code: "invalid_credentials", detail: "the email or password is wrong")
    }

    static func accountLocked(until: Date) -> Problem {
        let seconds = max(1, Int(until.timeIntervalSinceNow.rounded(.up)))
        return Problem(HTTPResponse.Status(code: 423, reasonPhrase: "Locked"), code: "account_locked",
                       detail: "too many failed sign-ins; the account is locked for \(seconds) more seconds",
                       extensions: ["retryAfter": .number(Double(seconds))])
    }

    static func tooManyFailuresFromAddress() -> Problem {
        Problem(.tooManyRequests, code: "too_many_failures",
                detail: "too many failed sign-ins from this address; try again later",
                extensions: ["retryAfter": .number(3600)])
    }

    static func invalidToken(_ what: String) -> Problem {
        Problem(.badRequest, code: "invalid_token", detail: "the \(what) token is unknown, used or expired")
    }

    static func refreshRefused(_ detail: String) -> Problem {
        Problem(.unauthorized, code: "invalid_refresh_token", detail: detail)
    }

    static func invalidCode() -> Problem {
        Problem(.unauthorized, code: "invalid_mfa_code", detail: "the code is wrong, expired or already used")
    }
}
