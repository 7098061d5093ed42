import Foundation
/// One member of the fleet: an executable, the port it listens on locally, and its PostgreSQL schema.
public struct FleetMember: Sendable, Hashable {
    /// The one name used everywhere: folder, executable, image, compose entry, Kubernetes objects, log field.
    public let name: String
    /// The port it listens on in the local stack and in its container.
    public let port: Int
    /// The PostgreSQL schema (and login role) it owns; `nil` for the gateway, which owns no data.
    public let schema: String?

    /// The environment variable that holds this member's base URL for its peers, e.g. `AZORA_LEDGER_URL`.
    public var urlSetting: String {
        name.uppercased().replacingOccurrences(of: "-", with: "_") + "_URL"
    }

    /// The address peers use when `urlSetting` is not set: the local stack's loopback port.
    public var localURL: String { "http://127.0.0.1:\(port)" }
}

/// The port table of ARCHITECTURE.md: every planned member of the fleet, whether it exists yet or not.
///
/// Shell scripts read this table too (`deploy/local/fleet.sh`), so keep each row on one line in
/// exactly this form.
public enum Fleet {
    /// Every member, the gateway first.
    public static let members: [FleetMember] = [
        FleetMember(name: "gateway", port: 8080, schema: nil),
        FleetMember(name: "auth-service", port: 8101, schema: "auth"),
        FleetMember(name: "user-service", port: 8102, schema: "users"),
        FleetMember(name: "course-service", port: 8103, schema: "courses"),
        FleetMember(name: "enrollment-service", port: 8104, schema: "enrollment"),
        FleetMember(name: "payment-service", port: 8105, schema: "payments"),
        FleetMember(name: "subscription-service", port: 8106, schema: "subscriptions"),
        FleetMember(name: "wallet-service", port: 8107, schema: "wallets"),
        FleetMember(name: "token-service", port: 8108, schema: "tokens"),
        FleetMember(name: "instructor-earnings-service", port: 8109, schema: "earnings"),
        FleetMember(name: "ai-service", port: 8110, schema: "ai"),
        FleetMember(name: "marketplace-service", port: 8111, schema: "marketplace"),
        FleetMember(name: "assessment-service", port: 8112, schema: "assessments"),
        FleetMember(name: "notification-service", port: 8113, schema: "notifications"),
        FleetMember(name: "analytics-service", port: 8114, schema: "analytics"),
        FleetMember(name: "enterprise-service", port: 8115, schema: "enterprise"),
        FleetMember(name: "compliance-service", port: 8116, schema: "compliance"),
        FleetMember(name: "search-service", port: 8117, schema: "search"),
        FleetMember(name: "azora-ledger", port: 8118, schema: "ledger"),
        FleetMember(name: "azora-pricing", port: 8119, schema: "pricing"),
        FleetMember(name: "ai-orchestrator", port: 8120, schema: "orchestrator"),
    ]

    /// The member with this name.
    /// - Parameter name: an executable name such as `azora-ledger`.
    /// - Returns: the member, or `nil` when the name is not in the table.
    public static func member(named name: String) -> FleetMember? {
        members.first { $0.name == name }
    }
}
