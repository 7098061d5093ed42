import Foundation
import Shared

/// One thing a user did somewhere in the fleet, as their timeline shows it.
struct ActivityEntry: Encodable, Sendable {
    let id: UUID
    let type: String
    let source: String
    let details: JSONValue
    let occurredAt: Date
}
