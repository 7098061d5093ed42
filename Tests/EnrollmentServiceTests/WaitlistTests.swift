import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport

@testable import EnrollmentService

@Suite struct WaitlistTests {
    /// Learners who find the course full wait in the order they came; a freed seat is offered to
    /// the first, a declined offer passes to the next, an accepted one becomes an enrollment.
    @Test func theQueueIsFirstComeFirstServedThroughOffersDeclinesAndAccepts() async throws {
        try await EnrollmentHarness.run(settings: ["WAITLIST_OFFER_SECONDS": "3600"]) { h in
            let course = try await h.course(capacity: 1)
            let holder = try await h.learner()
            let seat = try await h.enroll(holder, in: course)
            var waiting: [EnrollmentHarness.Caller] = []
            for position in 1...3 {
                let learner = try await h.learner()
                let answer = try await h.send(.post, "/enrollments", json: ["courseId": course.id.uuidString], as: learner)
                #expect(answer.status == .accepted && answer["status"] == "waiting" && answer.number("position") == position)
                waiting.append(learner)
            }
            // Enrolling again while waiting keeps the place rather than queueing twice.
            let repeated = try await h.send(.post, "/enrollments", json: ["courseId": course.id.uuidString], as: waiting[1])
            #expect(repeated.status == .accepted && repeated.number("position") == 2)
            // Joining explicitly goes to the back; twice, or while enrolled, is refused.
            let fourth = try await h.learner()
            let joined = try await h.send(.post, "\(course.path)/waitlist", as: fourth)
            #expect(joined.status == .created && joined.number("position") == 4)
            #expect(try await h.send(.post, "\(course.path)/waitlist", json: [:], as: fourth).code == "already_waiting")
            #expect(try await h.send(.post, "\(course.path)/waitlist", as: holder).code == "already_enrolled")
            waiting.append(fourth)

            let queue = try await h.send(.get, "\(course.path)/waitlist", as: course.instructor)
            #expect(queue.items.compactMap { $0["userId"] as? String } == waiting.map(\.id.uuidString))
            #expect(queue.items.compactMap { $0["position"] as? Int } == [1, 2, 3, 4])
            #expect(try await h.send(.get, "\(course.path)/waitlist", as: holder).status == .forbidden)
            let page = try await h.send(.get, "\(course.path)/waitlist?limit=3", as: h.admin)
            let rest = try await h.send(.get, "\(course.path)/waitlist?limit=3&cursor=\(try #require(page["nextCursor"]))", as: h.admin)
            #expect(page.items.count == 3 && rest.items.compactMap { $0["userId"] as? String } == [fourth.id.uuidString])

            // The holder cancels: the first in line is offered the seat.
            let cancelledAt = Date()
            #expect(try await h.send(.delete, "/enrollments/\(seat["id"]!)", as: holder).status == .ok)
            let offered = try await h.send(.get, "\(course.path)/waitlist/me", as: waiting[0])
            #expect(offered["status"] == "offered")
            let expiresAt = try #require(offered["offerExpiresAt"].flatMap(Timestamp.parse))
            #expect(expiresAt >= cancelledAt.addingTimeInterval(3599) && expiresAt <= Date().addingTimeInterval(3601))
            #expect(try await h.send(.get, "\(course.path)/waitlist/me", as: waiting[1]).number("position") == 1)
            // Nobody else may take the offered seat.
            #expect(try await h.send(.post, "/enrollments", json: ["courseId": course.id.uuidString], as: try await h.learner()).status == .accepted)
            let notYet = try await h.send(.post, "\(course.path)/waitlist/me/accept", as: waiting[1])
            #expect(notYet.status == .conflict && notYet.code == "no_offer")

            // The first declines: the offer passes to the second, who accepts.
            let declined = try await h.send(.post, "\(course.path)/waitlist/me/decline", as: waiting[0])
            #expect(declined.status == .ok && declined["status"] == "declined")
            #expect(try await h.send(.get, "\(course.path)/waitlist/me", as: waiting[0]).status == .notFound)
            #expect(try await h.send(.get, "\(course.path)/waitlist/me", as: waiting[1])["status"] == "offered")
            let accepted = try await h.send(.post, "\(course.path)/waitlist/me/accept", as: waiting[1])
            #expect(accepted.status == .created && accepted["status"] == "active" && accepted.uuid("userId") == waiting[1].id)
            #expect(try await h.send(.post, "\(course.path)/waitlist/me/accept", as: waiting[1]).code == "not_waiting")
            #expect(try await h.send(.get, "\(course.path)/waitlist/me", as: waiting[2]).number("position") == 1)

            let left = try await h.bus.waitForEvents(ofType: "waitlist.left")
            #expect(left.first?.data["reason"] == "declined")
            let acceptedEvents = try await h.bus.waitForEvents(ofType: "waitlist.accepted")
            #expect(acceptedEvents.first?.data["enrollmentId"] == .string(accepted["id"]!))
            #expect(try await h.bus.waitForEvents(ofType: "waitlist.offered", count: 2).count == 2)
            #expect(try await h.bus.waitForEvents(ofType: "waitlist.joined", count: 5).count == 5)
        }
    }

    /// An offer not answered in time lapses and the seat goes to the next in line; one found
    /// lapsed when accepted is refused and passed on at once.
    @Test func offersThatRunOutPassToTheNextInLine() async throws {
        try await EnrollmentHarness.run(settings: ["WAITLIST_OFFER_SECONDS": "3600", "ENROLLMENT_SWEEP_SECONDS": "3600"]) { h in
            let course = try await h.course(capacity: 1)
            let holder = try await h.learner()
            let seat = try await h.enroll(holder, in: course)
            let (first, second, third) = (try await h.learner(), try await h.learner(), try await h.learner())
            for learner in [first, second, third] {
                #expect(try await h.send(.post, "/enrollments", json: ["courseId": course.id.uuidString], as: learner).status == .accepted)
            }
            _ = try await h.send(.delete, "/enrollments/\(seat["id"]!)", as: holder)
            try await h.database.execute("UPDATE waitlist_entries SET offer_expires_at = now() - interval '1 second' WHERE status = 'offered'")
            let late = try await h.send(.post, "\(course.path)/waitlist/me/accept", as: first)
            #expect(late.status == .conflict && late.code == "offer_expired")
            #expect(try await h.send(.get, "\(course.path)/waitlist/me", as: second)["status"] == "offered")
            #expect(try await h.bus.waitForEvents(ofType: "waitlist.offer_expired").first?.data["userId"] == .string(first.id.uuidString))

            #expect(try await h.send(.get, "\(course.path)/waitlist/me", as: third).number("position") == 1)
        }
    }

    /// The sweeper lapses offers nobody comes back to, and offers the seat to the next in line.
    @Test func theSweeperLapsesUnansweredOffers() async throws {
        try await EnrollmentHarness.run(settings: ["WAITLIST_OFFER_SECONDS": "3600"]) { h in
            let course = try await h.course(capacity: 1)
            let holder = try await h.learner()
            let seat = try await h.enroll(holder, in: course)
            let (first, second) = (try await h.learner(), try await h.learner())
            for learner in [first, second] { _ = try await h.send(.post, "/enrollments", json: ["courseId": course.id.uuidString], as: learner) }
            _ = try await h.send(.delete, "/enrollments/\(seat["id"]!)", as: holder)
            #expect(try await h.send(.get, "\(course.path)/waitlist/me", as: first)["status"] == "offered")
            try await h.database.execute("UPDATE waitlist_entries SET offer_expires_at = now() - interval '1 second' WHERE status = 'offered'")
            try await eventually { try await h.send(.get, "\(course.path)/waitlist/me", as: second)["status"] == "offered" }
            #expect(try await h.send(.get, "\(course.path)/waitlist/me", as: first).status == .notFound)
            #expect(try await h.count("SELECT count(*) FROM waitlist_entries WHERE status = 'offer_expired'") == 1)
        }
    }

    /// Joining while a seat is free is refused (enroll instead); leaving while holding an offer
    /// passes the seat on; more capacity from course-service reaches the queue at once.
    @Test func leavingAndMoreSeatsMoveTheQueue() async throws {
        try await EnrollmentHarness.run { h in
            let course = try await h.course(capacity: 1)
            let early = try await h.learner()
            let free = try await h.send(.post, "\(course.path)/waitlist", as: early)
            #expect(free.status == .conflict && free.code == "seat_available")
            try await h.enroll(early, in: course)
            let (a, b, c) = (try await h.learner(), try await h.learner(), try await h.learner())
            for learner in [a, b, c] { _ = try await h.send(.post, "\(course.path)/waitlist", as: learner) }
            let left = try await h.send(.delete, "\(course.path)/waitlist/me", as: a)
            #expect(left.status == .ok && left["status"] == "left")
            #expect(try await h.send(.get, "\(course.path)/waitlist/me", as: b).number("position") == 1)

            h.courses.update(course.id) { $0["capacity"] = 2 }
            try await h.bus.publish("course.updated", source: "course-service", subject: course.id.uuidString, data: [
                "courseId": .string(course.id.uuidString), "status": "published", "capacity": 2, "cohorts": [],
            ])
            try await eventually { try await h.send(.get, "\(course.path)/waitlist/me", as: b)["status"] == "offered" }
            #expect(try await h.send(.delete, "\(course.path)/waitlist/me", as: b)["status"] == "left")
            #expect(try await h.send(.get, "\(course.path)/waitlist/me", as: c)["status"] == "offered")
            #expect(try await h.send(.delete, "\(course.path)/waitlist/me", as: b).code == "not_waiting")
        }
    }
}
