import Foundation
import Hummingbird
import Shared

/// Automatic promotions: administrators create and end them; anyone signed in may see them.
struct PromotionRoutes: Sendable {
    let promotions: PromotionStore
    let clock: FleetClock

    func add(to group: RouterGroup<AppRequestContext>) {
        group.post("/pricing/promotions") { request, context in
            _ = try context.requireRole(.admin)
            let order = try await request.decode(as: PromotionOrder.self, context: context)
            let now = clock.now()
            let problems = order.problems(now: now)
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            let promotion = try await promotions.create(Promotion(id: UUIDv7.make(), order: order, now: now))
            return EditedResponse(status: .created, response: promotion)
        }

        group.get("/pricing/promotions") { request, context in
            _ = try context.requirePrincipal()
            let page = try PageRequest(request, defaultLimit: 50, maxLimit: 200)
            let live = request.query("live")
            guard live == nil || live == "true" || live == "false" else { throw Problem.malformed("live must be true or false", field: "live") }
            let listed = try await promotions.list(liveAt: live == "true" ? clock.now() : nil, before: try page.decodeCursor(UUID.self), limit: page.limit)
            return Page(items: listed, limit: page.limit) { $0.id }
        }

        group.get("/pricing/promotions/:id") { _, context in
            _ = try context.requirePrincipal()
            let id = try context.parameters.require("id", as: UUID.self)
            guard let promotion = try await promotions.find(id) else { throw Problem.notFound("promotion", id: id) }
            return promotion
        }

        group.post("/pricing/promotions/:id/end") { _, context in
            _ = try context.requireRole(.admin)
            return try await promotions.end(try context.parameters.require("id", as: UUID.self), now: clock.now())
        }
    }
}

extension Promotion: ResponseEncodable {}
