import Foundation
import Shared
import Testing

@Suite struct SettingsTests {
    @Test func defaultsServeTheLocalStack() throws {
        let member = try #require(Fleet.member(named: "azora-ledger"))
        let database = try DatabaseSettings(settings: .values([:]), member: member)
        #expect(database.url == "postgres://ledger:ledger-local@127.0.0.1:15432/azora")
        #expect(database.schema == "ledger")
        let server = try ServerSettings(settings: .values([:]), member: member)
        #expect(server.port == 8118)
    }

    @Test func aMalformedSettingIsOneLineNamingTheVariable() {
        let member = Fleet.member(named: "azora-ledger")!
        #expect(throws: SettingsError.malformed("PORT", "eighty", expected: "a whole number")) {
            _ = try ServerSettings(settings: .values(["PORT": "eighty"]), member: member)
        }
        #expect(throws: SettingsError.self) {
            _ = try DatabaseSettings(settings: .values(["DATABASE_URL": "mysql://x"]), member: member)
        }
        #expect(throws: SettingsError.self) { _ = try RedisSettings(settings: .values(["REDIS_URL": "redis://"])) }
        let error = SettingsError.malformed("DATABASE_URL", nil, expected: "a URL starting with postgres://")
        #expect(!error.description.contains("\n"))
        #expect(error.description.contains("DATABASE_URL"))
    }

    @Test func aSecretValueIsNeverRepeatedInTheError() {
        let member = Fleet.member(named: "azora-ledger")!
        do {
            _ = try DatabaseSettings(settings: .values(["DATABASE_URL": "ftp://user:hunter2@db"]), member: member)
            Issue.record("expected a settings error")
        } catch {
            #expect(!"\(error)".contains("hunter2"))
        }
    }
}
