import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import AIOrchestrator

@Suite struct CatalogTests {
    @Test func theLocalStackCatalogIsSeeded() async throws {
        try await withControlDatabase { database, _ in
            let snapshot = try await CatalogStore(database: database).snapshot()
            let local = try #require(snapshot.providers.values.first { $0.name == "local" })
            #expect(local.kind == .local && local.credentialSetting == nil)
            #expect(snapshot.deployments["local-small"]?.tier == .small && snapshot.deployments["local-large"]?.tier == .large)
            #expect(snapshot.deployments["local-small"]?.providerId == local.id)
            #expect(Set(snapshot.deployments["local-large"]?.capabilities ?? []) == [.chat, .streaming, .embeddings])
            let small = try #require(snapshot.deployments["local-small"]), large = try #require(snapshot.deployments["local-large"])
            #expect(small.inputMicrosPerMillion < large.inputMicrosPerMillion, "the small one is the cheap one")
            let tutor = try #require(snapshot.aliases["tutor-default"])
            #expect(tutor.strategy == .classified && tutor.fallbacks.isEmpty)
            #expect(tutor.targets.map(\.deployment) == ["local-small", "local-large"])
        }
    }

    @Test func theSeedKeepsRowsThatExistAlready() async throws {
        try await withControlDatabase { database, _ in
            try await database.execute("UPDATE aliases SET strategy = 'weighted' WHERE name = 'tutor-default'")
            try await database.execute("DELETE FROM alias_targets WHERE alias_name = 'tutor-default'")
            try await database.execute("UPDATE deployments SET tier = 'medium' WHERE name = 'local-small'")
            let seed = try #require(Migration.fromFiles(prefix: "orchestrator", EmbeddedFiles.migrationFiles).last)
            for statement in seed.sql.components(separatedBy: ";\n") where statement.contains("INSERT") {
                try await database.execute(SQL(stringLiteral: statement))
            }
            let snapshot = try await CatalogStore(database: database).snapshot()
            #expect(snapshot.aliases["tutor-default"]?.strategy == .weighted && snapshot.aliases["tutor-default"]?.targets == [])
            #expect(snapshot.deployments["local-small"]?.tier == .medium && snapshot.providers.count == 1)
        }
    }

    @Test func theSnapshotSeesLocalChangesAtOnceAndOthersWithinItsMaxAge() async throws {
        try await withControlDatabase { database, _ in
            let catalog = CatalogStore(database: database, maxAge: .seconds(15))
            #expect(try await catalog.snapshot().deployments["elsewhere"] == nil)
            try await database.execute("""
                INSERT INTO deployments (id, name, provider_id, model, context_window, input_micros_per_million, output_micros_per_million,
                                         currency, capabilities, tier)
                SELECT \(UUIDv7.make()), 'elsewhere', id, 'm', 1000, 0, 0, 'USD', '{chat}', 'small' FROM providers WHERE name = 'local'
                """)
            #expect(try await catalog.snapshot().deployments["elsewhere"] == nil, "a change by another replica is not seen at once")
            try await eventually(within: .seconds(60)) { try await catalog.snapshot().deployments["elsewhere"] != nil }

            let localId = try #require(try await catalog.snapshot().providers.values.first { $0.name == "local" }?.id)
            _ = try await catalog.createDeployment(Deployment(
                id: UUIDv7.make(), name: "here", providerId: localId, model: "m", contextWindow: 10, maxOutputTokens: nil,
                inputMicrosPerMillion: 1, outputMicrosPerMillion: 2, currency: "USD", capabilities: [.chat], tier: .medium, enabled: true))
            #expect(try await catalog.snapshot().deployments["here"]?.tier == .medium, "a change through this process is seen at once")
        }
    }

    @Test func theLastCatalogIsServedWhileTheDatabaseIsAway() async throws {
        try await withControlDatabase { (database: Database, _: RedisClient) async throws -> Void in
            let replica = Database(settings: database.settings, logger: controlLogger)
            let catalog = CatalogStore(database: replica, maxAge: .zero, logger: controlLogger)
            #expect(try await catalog.snapshot().aliases["tutor-default"] != nil)
            await replica.close()
            #expect(try await catalog.snapshot().aliases["tutor-default"] != nil, "stale beats failing every call")
            await #expect(throws: (any Error).self, "with nothing read yet there is nothing to serve") {
                try await CatalogStore(database: replica).snapshot()
            }
        }
    }

    @Test func providersAreCreatedReadChangedAndDeletedWithoutTheirKey() async throws {
        try await ControlHarness.run { control in
            let created = try await control.provider("openai")
            #expect(created["kind"] == "openai_compatible" && created["baseUrl"] == "https://api.example.com/v1")
            #expect(created["credentialSetting"] == ControlHarness.keySetting && created.json["credentialConfigured"] as? Bool == true)
            #expect(created.json["timeoutSeconds"] as? Int == 60 && created.json["enabled"] as? Bool == true)

            let patched = try await control.send(.patch, "/ai-orchestrator/providers/openai",
                                                 json: ["credentialSetting": "NOT_SET_ANYWHERE", "timeoutSeconds": 5, "baseUrl": "http://10.0.0.2:8000/v1/"],
                                                 as: control.admin)
            #expect(patched.status == .ok && patched.json["credentialConfigured"] as? Bool == false)
            #expect(patched["baseUrl"] == "http://10.0.0.2:8000/v1" && patched.json["timeoutSeconds"] as? Int == 5)
            #expect(patched["id"] == created["id"] && patched["kind"] == "openai_compatible")
            let byId = try await control.send(.get, "/ai-orchestrator/providers/\(created["id"]!)", as: control.admin)
            #expect(byId["name"] == "openai" && byId["credentialSetting"] == "NOT_SET_ANYWHERE")

            let cleared = try await control.send(.patch, "/ai-orchestrator/providers/openai", json: ["credentialSetting": NSNull()], as: control.admin)
            #expect(cleared.status == .ok && cleared.json["credentialSetting"] == nil && cleared.json["credentialConfigured"] as? Bool == false)
            let renamed = try await control.send(.patch, "/ai-orchestrator/providers/openai", json: ["name": "other"], as: control.admin)
            #expect(renamed.status == .unprocessableContent && renamed.fields == ["name"])

            let listed = try await control.send(.get, "/ai-orchestrator/providers?limit=1", as: control.admin)
            #expect(listed.items.count == 1 && listed.json["nextCursor"] is String, "local and openai: two pages of one")
            let next = try await control.send(.get, "/ai-orchestrator/providers?limit=1&cursor=\(listed.json["nextCursor"] as! String)", as: control.admin)
            #expect(next.items.map { $0["name"] as? String } == ["openai"])

            #expect(try await control.send(.delete, "/ai-orchestrator/providers/openai", as: control.admin).status == .noContent)
            #expect(try await control.send(.get, "/ai-orchestrator/providers/openai", as: control.admin).status == .notFound)
            #expect(try await control.parts.catalog.snapshot().providers.values.contains { $0.name == "openai" } == false)
        }
    }

    @Test func invalidProvidersAreRefusedNamingEachFieldAndChangeNothing() async throws {
        try await ControlHarness.run { control in
            let bad = try await control.send(.post, "/ai-orchestrator/providers", json: [
                "name": "Open AI", "kind": "openai", "baseUrl": "ftp://example.com", "credentialSetting": "sk-live-abc", "timeoutSeconds": 0,
            ], as: control.admin)
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.fields) == ["name", "kind", "baseUrl", "credentialSetting", "timeoutSeconds"])
            #expect(!bad.text.contains("sk-live-abc"), "a key pasted by mistake is not echoed")

            let keyInURL = try await control.send(.post, "/ai-orchestrator/providers", json: [
                "name": "azure", "kind": "anthropic", "baseUrl": "https://user:secret@example.com", "apiVersion": "2024-10-21",
            ], as: control.admin)
            #expect(Set(keyInURL.fields) == ["baseUrl", "apiVersion"])
            let missing = try await control.send(.post, "/ai-orchestrator/providers", json: ["name": "x", "kind": "anthropic"], as: control.admin)
            #expect(missing.fields == ["baseUrl"])
            let mistyped = try await control.send(.post, "/ai-orchestrator/providers", json: ["name": "x", "kind": "local", "timeoutSeconds": "5"],
                                                  as: control.admin)
            #expect(mistyped.status == .unprocessableContent && mistyped.fields == ["timeoutSeconds"])

            try await control.provider("openai")
            let taken = try await control.send(.post, "/ai-orchestrator/providers", json: ["name": "openai", "kind": "local"], as: control.admin)
            #expect(taken.status == .conflict && taken.code == "name_taken")
            let badPatch = try await control.send(.patch, "/ai-orchestrator/providers/openai", json: ["baseUrl": "not a url"], as: control.admin)
            #expect(badPatch.fields == ["baseUrl"])

            let names = try await control.send(.get, "/ai-orchestrator/providers", as: control.admin).items.map { $0["name"] as? String }
            #expect(names == ["local", "openai"])
            #expect(try await control.send(.get, "/ai-orchestrator/providers/openai", as: control.admin)["baseUrl"] == "https://api.example.com/v1")
        }
    }

    @Test func deploymentsAreValidatedAndNeedAnExistingProvider() async throws {
        try await ControlHarness.run { control in
            let bad = try await control.send(.post, "/ai-orchestrator/deployments", json: [
                "name": "-bad", "provider": "nobody", "model": "gpt 4", "contextWindow": 0, "maxOutputTokens": 5,
                "inputMicrosPerMillion": -1, "outputMicrosPerMillion": -2, "currency": "usd",
                "capabilities": ["chat", "vision"], "tier": "huge",
            ], as: control.admin)
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.fields) == ["name", "provider", "model", "contextWindow", "maxOutputTokens", "inputMicrosPerMillion",
                                        "outputMicrosPerMillion", "currency", "capabilities[1]", "tier"])
            let none = try await control.send(.post, "/ai-orchestrator/deployments", json: [
                "name": "x", "provider": "local", "model": "m", "contextWindow": 10, "inputMicrosPerMillion": 0, "outputMicrosPerMillion": 0,
                "capabilities": [], "tier": "small",
            ], as: control.admin)
            #expect(none.fields == ["capabilities"])

            let created = try await control.deployment("mini@local", provider: "local")
            #expect(created["provider"] == "local" && created["currency"] == "USD" && created.json["contextWindow"] as? Int == 128_000)
            let patched = try await control.send(.patch, "/ai-orchestrator/deployments/mini@local", json: ["tier": "large", "enabled": false],
                                                 as: control.admin)
            #expect(patched["tier"] == "large" && patched.json["enabled"] as? Bool == false && patched.json["inputMicrosPerMillion"] as? Int == 150_000)
            let snapshot = try await control.parts.catalog.snapshot()
            #expect(snapshot.deployments["mini@local"]?.tier == .large && snapshot.deployments["mini@local"]?.enabled == false)
            let movedNowhere = try await control.send(.patch, "/ai-orchestrator/deployments/mini@local", json: ["provider": "gone"], as: control.admin)
            #expect(movedNowhere.fields == ["provider"])

            let sameAsAlias = try await control.send(.post, "/ai-orchestrator/deployments", json: [
                "name": "tutor-default", "provider": "local", "model": "m", "contextWindow": 10, "inputMicrosPerMillion": 0,
                "outputMicrosPerMillion": 0, "capabilities": ["chat"], "tier": "small",
            ], as: control.admin)
            #expect(sameAsAlias.status == .conflict && sameAsAlias.fields == ["name"], "a model name must mean one thing")
        }
    }

    @Test func anAliasNamingUnknownDeploymentsIsRefused() async throws {
        try await ControlHarness.run { control in
            let unknown = try await control.send(.post, "/ai-orchestrator/aliases", json: [
                "name": "tutor-fast", "strategy": "weighted",
                "targets": [["deployment": "local-small", "weight": 3], ["deployment": "ghost"]], "fallbacks": ["phantom"],
            ], as: control.admin)
            #expect(unknown.status == .unprocessableContent)
            #expect(Set(unknown.fields) == ["targets[1].deployment", "fallbacks[0]"])
            #expect(try await control.send(.get, "/ai-orchestrator/aliases/tutor-fast", as: control.admin).status == .notFound)

            let malformed = try await control.send(.post, "/ai-orchestrator/aliases", json: [
                "name": "tutor-fast", "strategy": "fastest", "targets": [["deployment": "local-small", "weight": 0], ["deployment": "local-small"]],
            ], as: control.admin)
            #expect(Set(malformed.fields) == ["strategy", "targets[0].weight", "targets[1].deployment"])
            let empty = try await control.send(.post, "/ai-orchestrator/aliases", json: ["name": "tutor-fast", "targets": []], as: control.admin)
            #expect(empty.fields == ["targets"])

            let created = try await control.create("/ai-orchestrator/aliases", [
                "name": "tutor-fast", "targets": [["deployment": "local-large", "weight": 1000], ["deployment": "local-small"]],
                "fallbacks": ["local-small"],
            ])
            #expect(created["strategy"] == "weighted")
            #expect((created.json["targets"] as? [[String: Any]])?.map { $0["weight"] as? Int } == [1000, 1])
            let alias = try #require(try await control.parts.catalog.snapshot().aliases["tutor-fast"])
            #expect(alias.targets == [Alias.Target(deployment: "local-large", weight: 1000), Alias.Target(deployment: "local-small", weight: 1)])

            let patched = try await control.send(.patch, "/ai-orchestrator/aliases/tutor-fast",
                                                 json: ["strategy": "lowest_cost", "targets": [["deployment": "ghost"]]], as: control.admin)
            #expect(patched.fields == ["targets[0].deployment"])
            #expect(try await control.parts.catalog.snapshot().aliases["tutor-fast"]?.strategy == .weighted, "a refused patch changes nothing")
            let sameAsDeployment = try await control.send(.post, "/ai-orchestrator/aliases", json: [
                "name": "local-small", "targets": [["deployment": "local-large"]],
            ], as: control.admin)
            #expect(sameAsDeployment.status == .conflict)
        }
    }

    @Test func aDeploymentAnAliasNamesCannotBeDeleted() async throws {
        try await ControlHarness.run { control in
            try await control.deployment("spare", provider: "local")
            try await control.create("/ai-orchestrator/aliases", ["name": "backup", "targets": [["deployment": "local-large"]], "fallbacks": ["spare"]])

            let asTarget = try await control.send(.delete, "/ai-orchestrator/deployments/local-small", as: control.admin)
            #expect(asTarget.status == .conflict && asTarget.code == "deployment_in_use" && asTarget.text.contains("tutor-default"))
            let asFallback = try await control.send(.delete, "/ai-orchestrator/deployments/spare", as: control.admin)
            #expect(asFallback.status == .conflict && asFallback.text.contains("backup"))
            let provider = try await control.send(.delete, "/ai-orchestrator/providers/local", as: control.admin)
            #expect(provider.status == .conflict && provider.code == "provider_in_use")

            #expect(try await control.send(.patch, "/ai-orchestrator/aliases/backup", json: ["fallbacks": NSNull()], as: control.admin).status == .ok)
            #expect(try await control.send(.delete, "/ai-orchestrator/deployments/spare", as: control.admin).status == .noContent)
            #expect(try await control.parts.catalog.snapshot().deployments["spare"] == nil)
            #expect(try await control.send(.delete, "/ai-orchestrator/aliases/backup", as: control.admin).status == .noContent)
            #expect(try await control.send(.delete, "/ai-orchestrator/aliases/backup", as: control.admin).status == .notFound)
        }
    }
}
