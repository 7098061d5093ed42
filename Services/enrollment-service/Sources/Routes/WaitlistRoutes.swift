import Foundation
import Hummingbird
import NIOFoundationEssentialsCompat
import Shared

/// `/courses/{courseId}/waitlist`: joining, one's place in line, leaving, and answering an
/// offer; the instructor's view of the queue.
struct WaitlistRoutes: Sendable {
    let catalog: CourseCatalog
    let registrar: Registrar
    let waitlists: WaitlistBook
    let clock: FleetClock

    func add(to group: RouterGroup<AppRequestContext>) {
        group.post("/courses/:courseId/waitlist") { request, context in
            let userId = try context.requireUser().userId
            // The body is optional: `{}`, `{"cohortId": …}` or nothing at all.
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            let order = body.readableBytes == 0 ? WaitlistOrder(cohortId: nil) : try WireJSONDecoder.decode(WaitlistOrder.self, from: body)
            let course = try await catalog.require(try context.parameters.require("courseId", as: UUID.self))
            let entry = try await registrar.join(userId: userId, course: course, cohortId: order.cohortId, now: clock.now())
            return EditedResponse(status: .created, response: entry)
        }

        group.get("/courses/:courseId/waitlist") { request, context in
            _ = try context.requirePrincipal()
            let course = try await catalog.require(try context.parameters.require("courseId", as: UUID.self))
            try EnrollmentAccess.requireStaff(of: course, context)
            let page = try PageRequest(request, defaultLimit: 50, maxLimit: 200)
            let entries = try await waitlists.queue(courseId: course.id, status: try request.queryEnum("status", as: WaitlistStatus.self),
                                                    cohortId: try request.queryUUID("cohortId"),
                                                    after: try page.decodeCursor(Int64.self), limit: page.limit)
            let next = entries.count > page.limit
                ? try JSONCoding.makeEncoder().encode(entries[page.limit - 1].seq).base64URLEncodedString() : nil
            return Page(items: entries.prefix(page.limit).map(\.entry), nextCursor: next)
        }

        group.get("/courses/:courseId/waitlist/me") { request, context in
            let userId = try context.requireUser().userId
            let courseId = try context.parameters.require("courseId", as: UUID.self)
            guard let entry = try await waitlists.mine(userId: userId, courseId: courseId, cohortId: try request.queryUUID("cohortId")) else {
                throw Problem(.notFound, code: "not_waiting", detail: "you are not on the waitlist of course \(courseId)")
            }
            return entry
        }

        group.delete("/courses/:courseId/waitlist/me") { request, context in
            let userId = try context.requireUser().userId
            return try await waitlists.leave(userId: userId, courseId: try context.parameters.require("courseId", as: UUID.self),
                                             cohortId: try request.queryUUID("cohortId"), now: clock.now())
        }

        group.post("/courses/:courseId/waitlist/me/accept") { _, context in
            let userId = try context.requireUser().userId
            let course = try await catalog.require(try context.parameters.require("courseId", as: UUID.self))
            return EditedResponse(status: .created, response: try await registrar.accept(userId: userId, course: course, now: clock.now()))
        }

        group.post("/courses/:courseId/waitlist/me/decline") { _, context in
            let userId = try context.requireUser().userId
            return try await waitlists.decline(userId: userId, courseId: try context.parameters.require("courseId", as: UUID.self),
                                               now: clock.now())
        }
    }
}

/// `POST /courses/{courseId}/waitlist`.
struct WaitlistOrder: Decodable, Sendable {
    let cohortId: UUID?
}
