import Foundation
import Hummingbird
import Shared

/// Regional purchasing-power adjustments and fallback currencies.
struct RegionRoutes: Sendable {
    let book: PriceBook

    func add(to group: RouterGroup<AppRequestContext>) {
        group.get("/pricing/regions") { _, context in
            _ = try context.requirePrincipal()
            return Page(items: try await book.regions(), nextCursor: nil)
        }

        group.put("/pricing/regions/:country") { request, context in
            _ = try context.requireRole(.admin)
            let country = try Self.country(context)
            let order = try await request.decode(as: RegionOrder.self, context: context)
            let problems = order.problems()
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            return try await book.saveRegion(country, order)
        }

        group.delete("/pricing/regions/:country") { _, context in
            _ = try context.requireRole(.admin)
            try await book.deleteRegion(try Self.country(context))
            return HTTPResponse.Status.noContent
        }
    }

    private static func country(_ context: AppRequestContext) throws -> String {
        let country = try context.parameters.require("country")
        guard Validation.isCountry(country) else { throw Problem.malformed("country \(Validation.countryHelp)", field: "country") }
        return country
    }
}

/// Prices negotiated with enterprise customers, set by administrators or enterprise-service.
struct EnterpriseRoutes: Sendable {
    let book: PriceBook

    func add(to group: RouterGroup<AppRequestContext>) {
        group.get("/pricing/enterprise/:organizationId/prices") { _, context in
            let organization = try context.parameters.require("organizationId", as: UUID.self)
            let principal = try context.requirePrincipal()
            guard principal.isAdmin || principal.isService || principal.organizationId == organization else {
                throw Problem.forbidden("only the organisation's members, the platform's services or an administrator may read its prices")
            }
            return Page(items: try await book.enterprisePrices(of: organization), nextCursor: nil)
        }

        group.put("/pricing/enterprise/:organizationId/prices/:ref") { request, context in
            try context.requireCatalogWriter()
            let organization = try context.parameters.require("organizationId", as: UUID.self)
            let ref = try context.productRef()
            _ = try await book.requireProduct(ref)
            let order = try await request.decode(as: EnterprisePriceOrder.self, context: context)
            let problems = order.problems()
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            return try await book.saveEnterprisePrice(organization, ref, order)
        }

        group.delete("/pricing/enterprise/:organizationId/prices/:ref") { request, context in
            try context.requireCatalogWriter()
            guard let currency = request.query("currency") else { throw Problem.malformed("currency is required", field: "currency") }
            try await book.deleteEnterprisePrice(try context.parameters.require("organizationId", as: UUID.self), try context.productRef(),
                                                 currency: currency)
            return HTTPResponse.Status.noContent
        }
    }
}

extension Region: ResponseEncodable {}
extension EnterprisePrice: ResponseEncodable {}
