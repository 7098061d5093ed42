import Foundation
import Shared
import TestSupport
import Testing

/// The fleet's test clock, walked through the gateway with the real executables of the gateway,
/// auth-service, user-service, course-service and enrollment-service: an administrator moves the
/// clock two hours on, and a waitlist offer that holds its seat for an hour lapses.
@Suite struct ClockJourneyTests {
    @Test func aWaitlistOfferLapsesWhenAnAdministratorMovesTheClockPastIt() async throws {
        let fleet = try await TestFleet.start(["auth-service", "user-service", "course-service", "enrollment-service"],
                                              settings: ["TEST_CLOCKS": "true"],
                                              memberSettings: ["enrollment-service": ["WAITLIST_OFFER_SECONDS": "3600"]])
        defer { fleet.stop() }
        let api = fleet.api
        let admin = try await fleet.adminToken()
        let instructor = try await fleet.signUpInstructor("Grace Instructor", admin: admin)
        let courseId = try await fleet.publishedCourse("Time-boxed Swift", capacity: 1, by: instructor, admin: admin)

        // One seat: the first learner takes it, the next two wait in line.
        let learners = [try await fleet.signUp("Ines First"), try await fleet.signUp("Jomo Second"), try await fleet.signUp("Kai Third")]
        let seated = try await api.send(.POST, "/enrollments", json: ["courseId": courseId], token: learners[0].token)
        #expect(seated.status == 201, "\(seated.text)")
        for learner in learners.dropFirst() {
            #expect(try await api.send(.POST, "/enrollments", json: ["courseId": courseId], token: learner.token).status == 202)
        }

        // The seat comes free and is offered to the second learner for an hour.
        #expect(try await api.send(.DELETE, "/enrollments/\(try #require(seated["id"]))", token: learners[0].token).status == 200)
        let offered = try await api.send(.GET, "/courses/\(courseId)/waitlist/me", token: learners[1].token)
        #expect(offered["status"] == "offered", "\(offered.text)")
        let offerEnds = try #require(offered["offerExpiresAt"].flatMap(Timestamp.parse))
        #expect(abs(offerEnds.timeIntervalSinceNow - 3_600) < 600)

        // Only an administrator may move the clock; two hours on, the fleet's time says so.
        #expect(try await api.send(.POST, "/test-clock/advance", json: ["seconds": 7_200], token: learners[1].token).status == 403)
        let advanced = try await api.send(.POST, "/test-clock/advance", json: ["seconds": 7_200], token: admin)
        #expect(advanced.status == 200 && (advanced.json["offsetSeconds"] as? Int) == 7_200, "\(advanced.text)")
        let clock = try await api.send(.GET, "/test-clock", token: admin)
        let fleetNow = try #require(clock["now"].flatMap(Timestamp.parse))
        #expect(fleetNow > offerEnds)

        // enrollment-service's sweeper sees the new time and ends the offer; the seat goes to the
        // third learner, offered for an hour of the fleet's time.
        let next = try await api.eventually(.GET, "/courses/\(courseId)/waitlist/me", token: learners[2].token) { $0["status"] == "offered" }
        #expect(next["status"] == "offered", "\(next.text)")
        let nextEnds = try #require(next["offerExpiresAt"].flatMap(Timestamp.parse))
        #expect(nextEnds.timeIntervalSinceNow > 7_200)
        #expect(try await api.send(.GET, "/courses/\(courseId)/waitlist/me", token: learners[1].token).status == 404)
        let late = try await api.send(.POST, "/courses/\(courseId)/waitlist/me/accept", token: learners[1].token)
        #expect(late.status == 404, "\(late.text)")
        let lapsed = try await api.send(.GET, "/courses/\(courseId)/waitlist?status=offer_expired", token: instructor.token)
        let lapsedUsers = (lapsed.json["items"] as? [[String: Any]])?.compactMap { ($0["userId"] as? String)?.lowercased() }
        #expect(lapsedUsers == [learners[1].id], "\(lapsed.text)")
        #expect(try await api.send(.POST, "/courses/\(courseId)/waitlist/me/accept", token: learners[2].token).status == 201)
    }
}
