import Testing

@testable import Gateway

@Suite struct RouteTableTests {
    let table = RouteTable.fleet

    @Test func pathsGoToTheServiceThatOwnsThem() {
        #expect(table.service(for: "/auth/login") == "auth-service")
        #expect(table.service(for: "/users/42") == "user-service")
        #expect(table.service(for: "/courses") == "course-service")
        #expect(table.service(for: "/ledger/transfers/batch") == "azora-ledger")
        #expect(table.service(for: "/v1/chat/completions") == "ai-orchestrator")
        #expect(table.service(for: "/webhooks/stripe") == "payment-service")
    }

    @Test func aMoreSpecificPatternWinsOverAPrefix() {
        #expect(table.service(for: "/users/42/skills") == "marketplace-service")
        #expect(table.service(for: "/users/42/stats") == "user-service")
        #expect(table.service(for: "/courses/7/waitlist") == "enrollment-service")
        #expect(table.service(for: "/courses/7/waitlist/offers/3/accept") == "enrollment-service")
        #expect(table.service(for: "/courses/7/modules") == "course-service")
        #expect(table.service(for: "/instructors/9/earnings/history") == "instructor-earnings-service")
    }

    @Test func internalPathsOfServicesHaveNoRoute() {
        #expect(table.service(for: "/metrics") == nil)
        #expect(table.service(for: "/health/ready") == nil)
        #expect(table.service(for: "/admin/events/dead-letters") == nil)
        #expect(table.service(for: "/") == nil)
    }
}
