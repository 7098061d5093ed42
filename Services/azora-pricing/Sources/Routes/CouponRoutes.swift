import Foundation
import Hummingbird
import Shared

/// Coupons: administrators make them for anything; instructors for their own products only.
struct CouponRoutes: Sendable {
    let coupons: CouponStore
    let book: PriceBook

    func add(to group: RouterGroup<AppRequestContext>) {
        group.post("/pricing/coupons") { request, context in
            let principal = try context.requirePrincipal()
            let order = try await request.decode(as: CouponOrder.self, context: context)
            let problems = order.problems()
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            var ownerId: UUID?
            if !principal.isAdmin {
                ownerId = try await requireInstructorScope(order, principal: principal)
            }
            let coupon = try await coupons.create(order.coupon(id: UUIDv7.make(), ownerId: ownerId))
            return EditedResponse(status: .created, response: coupon)
        }

        group.get("/pricing/coupons") { request, context in
            let principal = try context.requirePrincipal()
            let page = try PageRequest(request, defaultLimit: 50, maxLimit: 200)
            var ownerId = try request.queryUUID("ownerId")
            if !principal.isAdmin {
                guard principal.has(.instructor), let userId = principal.userId else {
                    throw Problem.forbidden("only instructors and administrators may list coupons")
                }
                if let ownerId, ownerId != userId { throw Problem.forbidden("you may list only your own coupons") }
                ownerId = userId
            }
            let listed = try await coupons.list(ownerId: ownerId, after: try page.decodeCursor(String.self), limit: page.limit)
            return Page(items: listed, limit: page.limit) { $0.code }
        }

        group.get("/pricing/coupons/:code") { _, context in
            let coupon = try await coupons.require(code: try context.parameters.require("code"))
            try Self.requireManager(of: coupon, context)
            return coupon
        }

        group.patch("/pricing/coupons/:code") { request, context in
            let coupon = try await coupons.require(code: try context.parameters.require("code"))
            try Self.requireManager(of: coupon, context)
            let change = try await request.decode(as: CouponChange.self, context: context)
            if case .some(.some(let endsAt)) = change.endsAt, let startsAt = coupon.startsAt, endsAt <= startsAt {
                throw Problem.invalid("endsAt", "must be after startsAt")
            }
            return try await coupons.update(code: coupon.code, active: change.active, endsAt: change.endsAt)
        }

        group.get("/pricing/coupons/:code/redemptions") { request, context in
            let coupon = try await coupons.require(code: try context.parameters.require("code"))
            try Self.requireManager(of: coupon, context)
            let page = try PageRequest(request, defaultLimit: 50, maxLimit: 500)
            return Page(items: try await coupons.redemptions(of: coupon, limit: page.limit), nextCursor: nil)
        }
    }

    /// An instructor's coupon must name products, all of them their own, and no categories.
    private func requireInstructorScope(_ order: CouponOrder, principal: Principal) async throws -> UUID {
        guard principal.has(.instructor), let userId = principal.userId else {
            throw Problem.forbidden("only instructors and administrators may make coupons")
        }
        let refs = (order.productRefs ?? []).compactMap(ProductRef.init)
        if refs.isEmpty || !(order.categories ?? []).isEmpty {
            throw Problem.invalid("productRefs", "an instructor's coupon must name their own products, and no categories")
        }
        for (index, ref) in refs.enumerated() {
            guard let product = try await book.product(ref), product.ownerId == userId else {
                throw Problem(.forbidden, code: "forbidden", detail: "\(ref) is not one of your products",
                              fieldErrors: [FieldError(field: "productRefs[\(index)]", message: "is not one of your products")])
            }
        }
        return userId
    }

    private static func requireManager(of coupon: Coupon, _ context: AppRequestContext) throws {
        let principal = try context.requirePrincipal()
        guard principal.isAdmin || (coupon.ownerId != nil && coupon.ownerId == principal.userId) else {
            throw Problem.forbidden("only the coupon's instructor or an administrator may see or change it")
        }
    }
}

/// `PATCH /pricing/coupons/{code}`: switch a coupon off or on, or move (or clear, with null) its end.
struct CouponChange: Decodable, Sendable {
    let active: Bool?
    /// Absent: unchanged; null: no end; a time: the new end.
    let endsAt: Date??

    private enum CodingKeys: String, CodingKey { case active, endsAt }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        active = try container.decodeIfPresent(Bool.self, forKey: .active)
        endsAt = container.contains(.endsAt) ? .some(try container.decodeIfPresent(Date.self, forKey: .endsAt)) : .none
    }
}

extension Coupon: ResponseEncodable {}
