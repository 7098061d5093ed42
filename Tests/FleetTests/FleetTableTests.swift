import Foundation
import Shared
import Testing

/// The fleet is described in three places that must agree: Package.swift (the services that
/// exist), the Services/ folders, and the fleet table (ports and schemas).
@Suite struct FleetTableTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func packageServiceNames() throws -> [String] {
        let manifest = try String(contentsOf: root.appending(path: "Package.swift"), encoding: .utf8)
        // From the table's declaration to its closing bracket, alone on its line.
        let table = manifest.components(separatedBy: "let services")[1].components(separatedBy: "\n]")[0]
        return table.components(separatedBy: "name: \"").dropFirst().map { $0.components(separatedBy: "\"")[0] }
    }

    @Test func everyServiceInThePackageIsInTheFleetTable() throws {
        for name in try Self.packageServiceNames() {
            #expect(Fleet.member(named: name) != nil, "\(name) is missing from Fleet.swift")
        }
    }

    @Test func everyServiceFolderIsInThePackage() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.root.appending(path: "Services").path)
            .filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }
        #expect(Set(folders) == Set(try Self.packageServiceNames()))
    }

    @Test func portsAndSchemasAreUnique() {
        #expect(Set(Fleet.members.map(\.port)).count == Fleet.members.count)
        let schemas = Fleet.members.compactMap(\.schema)
        #expect(Set(schemas).count == schemas.count)
    }

    @Test func peerURLSettingsAreNamedAfterTheMember() {
        #expect(Fleet.member(named: "azora-ledger")?.urlSetting == "AZORA_LEDGER_URL")
        #expect(Fleet.member(named: "auth-service")?.localURL == "http://127.0.0.1:8101")
    }
}
