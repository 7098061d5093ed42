import Foundation
import Hummingbird
import Shared

extension ClientInfo {
    /// Where a request came from: the address the gateway saw (the last `X-Forwarded-For` entry,
    /// which the gateway appends itself), else the connection's peer, and the user agent.
    init(request: Request, context: AppRequestContext) {
        let forwarded = request.headers[values: .init("X-Forwarded-For")!].last?
            .split(separator: ",").last?.trimmingCharacters(in: .whitespaces)
        self.init(ip: forwarded ?? context.remoteAddress?.ipAddress, userAgent: request.headers[.userAgent].map { String($0.prefix(512)) })
    }
}
