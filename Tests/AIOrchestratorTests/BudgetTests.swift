import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import AIOrchestrator

@Suite struct BudgetTests {
    private func budget(_ kind: BudgetScopeKind, _ id: UUID, period: BudgetPeriod = .month, limit: Int64? = nil, rpm: Int? = nil,
                        tpm: Int? = nil, in keeper: BudgetKeeper) async throws -> Budget {
        let budget = try await keeper.store.create(Budget(id: UUIDv7.make(), scopeKind: kind, scopeId: id, period: period, limitMicros: limit,
                                                          requestsPerMinute: rpm, tokensPerMinute: tpm))
        keeper.invalidate()
        return budget
    }

    private func usage(_ budget: Budget, _ keeper: BudgetKeeper) async throws -> BudgetUsage {
        try #require(try await keeper.store.currentUsage(of: [budget])[budget.id])
    }

    @Test func concurrentReservationsNeverOverspend() async throws {
        // A connection for every call, so that none waits out the pool on a busy machine, and
        // time for all 25 to queue on the budget's row when the machine is starved of CPU.
        try await withControlDatabase(maxConnections: 26, statementTimeout: .seconds(120)) { database, redis in
            let keeper = BudgetKeeper(database: database, redis: redis, logger: controlLogger)
            let user = UUID()
            let budget = try await budget(.user, user, limit: 100, in: keeper)
            let scopes = BudgetScopes(userId: user, courseId: nil, organizationId: nil)

            let outcomes = await withTaskGroup(of: Result<Reservation, any Error>.self) { group in
                for _ in 0..<25 {
                    group.addTask {
                        do { return .success(try await keeper.reserve(scopes, estimatedTokens: 100, estimatedMicros: 10)) }
                        catch { return .failure(error) }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let granted = outcomes.compactMap { try? $0.get() }
            let refusals = outcomes.compactMap { outcome -> BudgetRefusal? in
                if case .failure(let error) = outcome { return error as? BudgetRefusal }
                return nil
            }
            #expect(granted.count == 10)
            #expect(refusals.count == 15 && refusals.allSatisfy { $0.code == "budget_exhausted" && $0.status == .tooManyRequests },
                    "\(outcomes.compactMap { if case .failure(let error) = $0, !(error is BudgetRefusal) { "\(error)" } else { nil } })")
            var used = try await usage(budget, keeper)
            #expect(used.reservedMicros == 100 && used.spentMicros == 0 && used.remainingMicros == 0)

            await keeper.settle(granted[0], actualTokens: 80, actualMicros: 4)
            used = try await usage(budget, keeper)
            #expect(used.reservedMicros == 90 && used.spentMicros == 4 && used.remainingMicros == 6 && used.requests == 1 && used.tokens == 80)
            let fits = try await keeper.reserve(scopes, estimatedTokens: 1, estimatedMicros: 6)
            #expect(fits.holds.count == 1)
            await #expect(throws: BudgetRefusal.self) { try await keeper.reserve(scopes, estimatedTokens: 1, estimatedMicros: 1) }

            await keeper.settle(granted[1], actualTokens: 0, actualMicros: 0)
            await keeper.settle(granted[1], actualTokens: 0, actualMicros: 0)
            #expect(try await usage(budget, keeper).reservedMicros == 86, "settling twice releases the hold once")
        }
    }

    @Test func everyScopeMustAllowTheCallOrNothingIsHeld() async throws {
        try await withControlDatabase { database, redis in
            let keeper = BudgetKeeper(database: database, redis: redis, logger: controlLogger)
            let (user, course, organization) = (UUID(), UUID(), UUID())
            let userBudget = try await budget(.user, user, period: .day, limit: 1_000, in: keeper)
            let courseBudget = try await budget(.course, course, period: .week, limit: 50, in: keeper)
            let organizationBudget = try await budget(.organization, organization, limit: 10_000, in: keeper)
            let scopes = BudgetScopes(userId: user, courseId: course, organizationId: organization)

            let held = try await keeper.reserve(scopes, estimatedTokens: 10, estimatedMicros: 40)
            #expect(Set(held.holds.map(\.budgetId)) == [userBudget.id, courseBudget.id, organizationBudget.id])
            do {
                _ = try await keeper.reserve(scopes, estimatedTokens: 10, estimatedMicros: 20)
                Issue.record("the course budget cannot cover 20 more")
            } catch let refusal as BudgetRefusal {
                guard case .budgetExhausted(let scope, let period, let resetsAt) = refusal else { throw refusal }
                #expect(scope == .course && period == .week && resetsAt > Date())
                #expect(refusal.extensions["scope"] == "course" && refusal.extensions["retryAfter"] == nil)
            }
            #expect(try await usage(userBudget, keeper).reservedMicros == 40, "the user's budget holds nothing for the refused call")
            #expect(try await usage(organizationBudget, keeper).reservedMicros == 40)
            let usage = try await usage(courseBudget, keeper)
            #expect(usage.periodEnd.timeIntervalSince(usage.periodStart) == 7 * 86_400)

            let elsewhere = try await keeper.reserve(BudgetScopes(userId: user, courseId: nil, organizationId: nil),
                                                     estimatedTokens: 10, estimatedMicros: 20)
            #expect(elsewhere.holds.map(\.budgetId) == [userBudget.id], "the same user outside the course is not held back")
        }
    }

    @Test func scopesWithoutBudgetsAreUnlimitedAndTouchNothing() async throws {
        try await withControlDatabase { database, redis in
            let keeper = BudgetKeeper(database: database, redis: redis, logger: controlLogger)
            _ = try await budget(.user, UUID(), limit: 0, rpm: 1, in: keeper)
            let reservation = try await keeper.reserve(BudgetScopes(userId: UUID(), courseId: UUID(), organizationId: nil),
                                                       estimatedTokens: 1_000_000, estimatedMicros: 1_000_000_000)
            #expect(reservation.holds.isEmpty && reservation.tokenCounters.isEmpty)
            await keeper.settle(reservation, actualTokens: 5, actualMicros: 5)
            #expect(try await database.queryFirst("SELECT count(*) AS n FROM budget_usage")?.decode("n", as: Int.self) == 0)
            let keys = try await redis.send("KEYS", redis.key("*")).array ?? []
            #expect(keys.isEmpty)
        }
    }

    @Test func requestsPerMinuteRefuseTheNextCallWithRetryAfterAndDoNotCountIt() async throws {
        try await ControlHarness.run { control in
            let learner = try await control.user()
            let created = try await control.create("/ai-orchestrator/budgets", ["scopeKind": "user", "scopeId": learner.id.uuidString,
                                                                               "period": "day", "requestsPerMinute": 3])
            #expect(created.json["limitMicros"] == nil && created.json["requestsPerMinute"] as? Int == 3)
            for _ in 0..<3 {
                #expect(try await control.chat(as: learner).status == .ok)
            }
            let refused = try await control.chat(as: learner)
            #expect(refused.status == .tooManyRequests && refused.code == "rate_limited" && refused["scope"] == "user")
            #expect(refused["limit"] == "requests_per_minute")
            let retryAfter = try #require(refused.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...60).contains(retryAfter))
            #expect(try await control.chat(as: learner).status == .tooManyRequests)
            let counter = control.live.run + ":ai:rate:user:\(learner.id.lowercasedText):requests"
            let redis = RedisClient(settings: RedisSettings(url: TestEnvironment.redisURL)!, logger: controlLogger)
            let counted = try await redis.send("GET", counter).int
            await redis.close()
            #expect(counted == 3, "refused calls are not counted")

            let other = try await control.user()
            #expect(try await control.chat(as: other).status == .ok, "another user has their own window")
        }
    }

    @Test func tokensPerMinuteCountTheEstimateAndSettleCorrectsIt() async throws {
        try await withControlDatabase { database, redis in
            let keeper = BudgetKeeper(database: database, redis: redis, logger: controlLogger)
            let organization = UUID()
            _ = try await budget(.organization, organization, tpm: 1_000, in: keeper)
            _ = try await budget(.organization, organization, period: .day, tpm: 5_000, in: keeper)
            let scopes = BudgetScopes(userId: UUID(), courseId: nil, organizationId: organization)

            let first = try await keeper.reserve(scopes, estimatedTokens: 700, estimatedMicros: 1)
            #expect(first.holds.isEmpty && first.tokenCounters.count == 1, "no spend limit, the lower of the two token limits")
            do {
                _ = try await keeper.reserve(scopes, estimatedTokens: 400, estimatedMicros: 1)
                Issue.record("700 + 400 is over 1000")
            } catch let refusal as BudgetRefusal {
                guard case .rateLimited(let scope, let limit, let perMinute, let retryAfter) = refusal else { throw refusal }
                #expect(scope == .organization && limit == .tokens && perMinute == 1_000 && (1...60).contains(retryAfter))
            }
            await keeper.settle(first, actualTokens: 200, actualMicros: 1)
            let second = try await keeper.reserve(scopes, estimatedTokens: 400, estimatedMicros: 1)
            #expect(try await redis.send("GET", second.tokenCounters[0]).int == 600)
            do {
                _ = try await keeper.reserve(scopes, estimatedTokens: 1_001, estimatedMicros: 1)
                Issue.record("one call larger than the limit")
            } catch let refusal as BudgetRefusal {
                guard case .exceedsTokenLimit = refusal else { throw refusal }
                #expect(refusal.extensions["retryAfter"] == nil, "waiting would not help")
            }
        }
    }

    @Test func aReservationThatIsNeverSettledIsReleasedBySweep() async throws {
        try await withControlDatabase { database, redis in
            let keeper = BudgetKeeper(database: database, redis: redis, logger: controlLogger, staleHoldAge: .seconds(0))
            let user = UUID()
            let budget = try await budget(.user, user, limit: 100, in: keeper)
            let scopes = BudgetScopes(userId: user, courseId: nil, organizationId: nil)
            let lost = try await keeper.reserve(scopes, estimatedTokens: 1, estimatedMicros: 70)
            await #expect(throws: BudgetRefusal.self) { try await keeper.reserve(scopes, estimatedTokens: 1, estimatedMicros: 70) }

            try await Task.sleep(for: .milliseconds(20))
            #expect(try await keeper.releaseStaleHolds() == 1)
            #expect(try await usage(budget, keeper).reservedMicros == 0)
            _ = try await keeper.reserve(scopes, estimatedTokens: 1, estimatedMicros: 70)
            await keeper.settle(lost, actualTokens: 1, actualMicros: 30)
            let used = try await usage(budget, keeper)
            #expect(used.spentMicros == 30 && used.reservedMicros == 70, "a late settle records the spend without releasing twice")
        }
    }

    @Test func budgetsAreManagedWithTheirCurrentSpend() async throws {
        try await ControlHarness.run { control in
            let course = UUID()
            let created = try await control.create("/ai-orchestrator/budgets", ["scopeKind": "course", "scopeId": course.uuidString,
                                                                               "period": "month", "limitMicros": 5_000])
            let id = try #require(created["id"])
            let current = try #require(created.json["currentPeriod"] as? [String: Any])
            #expect(current["spentMicros"] as? Int == 0 && current["remainingMicros"] as? Int == 5_000)
            #expect((current["periodStart"] as? String)?.hasSuffix("-01T00:00:00.000000Z") == true)

            let again = try await control.send(.post, "/ai-orchestrator/budgets", json: ["scopeKind": "course", "scopeId": course.uuidString,
                                                                                          "limitMicros": 1], as: control.admin)
            #expect(again.status == .conflict && again.code == "budget_exists")
            let bad = try await control.send(.post, "/ai-orchestrator/budgets", json: ["scopeKind": "team", "scopeId": "nope"], as: control.admin)
            #expect(bad.status == .unprocessableContent && bad.fields == ["scopeId"])
            let invalid = try await control.send(.post, "/ai-orchestrator/budgets", json: ["scopeKind": "team", "scopeId": course.uuidString,
                                                                                            "period": "year", "tokensPerMinute": 0], as: control.admin)
            #expect(Set(invalid.fields) == ["scopeKind", "period", "tokensPerMinute"])
            let unlimited = try await control.send(.post, "/ai-orchestrator/budgets", json: ["scopeKind": "user", "scopeId": course.uuidString],
                                                   as: control.admin)
            #expect(unlimited.fields == ["limitMicros"])

            let keeper = control.parts.budgets
            let held = try await keeper.reserve(BudgetScopes(userId: nil, courseId: course, organizationId: nil), estimatedTokens: 10, estimatedMicros: 900)
            await keeper.settle(held, actualTokens: 12, actualMicros: 700)
            _ = try await keeper.reserve(BudgetScopes(userId: nil, courseId: course, organizationId: nil), estimatedTokens: 10, estimatedMicros: 300)
            let shown = try await control.send(.get, "/ai-orchestrator/budgets/\(id)", as: control.admin)
            let period = try #require(shown.json["currentPeriod"] as? [String: Any])
            #expect(period["spentMicros"] as? Int == 700 && period["reservedMicros"] as? Int == 300 && period["remainingMicros"] as? Int == 4_000)
            #expect(period["requests"] as? Int == 1 && period["tokens"] as? Int == 12)

            let lowered = try await control.send(.patch, "/ai-orchestrator/budgets/\(id)", json: ["limitMicros": 1_000], as: control.admin)
            #expect(lowered.status == .ok && lowered.json["limitMicros"] as? Int == 1_000)
            await #expect(throws: BudgetRefusal.self, "the lowered limit applies at once") {
                try await keeper.reserve(BudgetScopes(userId: nil, courseId: course, organizationId: nil), estimatedTokens: 1, estimatedMicros: 1)
            }
            let moved = try await control.send(.patch, "/ai-orchestrator/budgets/\(id)", json: ["scopeKind": "user"], as: control.admin)
            #expect(moved.fields == ["scopeKind"])
            let unchanged = try await control.send(.patch, "/ai-orchestrator/budgets/\(id)",
                                                   json: ["scopeId": course.lowercasedText, "period": "month"], as: control.admin)
            #expect(unchanged.status == .ok, "repeating a fixed member is not changing it")
            let listed = try await control.send(.get, "/ai-orchestrator/budgets?scopeKind=course&scopeId=\(course.uuidString)", as: control.admin)
            #expect(listed.items.count == 1 && (listed.items.first?["currentPeriod"] as? [String: Any])?["spentMicros"] as? Int == 700)
            #expect(try await control.send(.get, "/ai-orchestrator/budgets?scopeKind=user", as: control.admin).items.isEmpty)

            #expect(try await control.send(.delete, "/ai-orchestrator/budgets/\(id)", as: control.admin).status == .noContent)
            #expect(try await control.send(.get, "/ai-orchestrator/budgets/\(id)", as: control.admin).status == .notFound)
            let free = try await keeper.reserve(BudgetScopes(userId: nil, courseId: course, organizationId: nil), estimatedTokens: 1, estimatedMicros: 1_000_000)
            #expect(free.holds.isEmpty, "without its budget the course is unlimited again")
        }
    }
}
