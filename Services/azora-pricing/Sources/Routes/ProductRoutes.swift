import Foundation
import Hummingbird
import Shared

/// The price book: products, their prices with history, and their strategies.
struct ProductRoutes: Sendable {
    let book: PriceBook
    let clock: FleetClock

    func add(to group: RouterGroup<AppRequestContext>) {
        group.put("/pricing/products/:ref") { request, context in
            try context.requireCatalogWriter()
            let ref = try context.productRef()
            let order = try await request.decode(as: ProductOrder.self, context: context)
            let problems = order.problems()
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            let (product, created) = try await book.save(ref, order)
            return EditedResponse(status: created ? .created : .ok, response: product)
        }

        group.get("/pricing/products") { request, context in
            _ = try context.requirePrincipal()
            let page = try PageRequest(request, defaultLimit: 50, maxLimit: 200)
            let products = try await book.products(category: request.query("category"), ownerId: try request.queryUUID("ownerId"),
                                                   after: try page.decodeCursor(String.self), limit: page.limit)
            return Page(items: products, limit: page.limit) { $0.ref }
        }

        group.get("/pricing/products/:ref") { _, context in
            _ = try context.requirePrincipal()
            let ref = try context.productRef()
            let product = try await book.requireProduct(ref)
            async let prices = book.currentPrices(of: ref, at: clock.now())
            async let strategy = book.strategy(of: ref)
            return ProductView(product: product, currentPrices: try await prices, strategy: try await strategy)
        }

        group.post("/pricing/products/:ref/prices") { request, context in
            let ref = try context.productRef()
            let principal = try context.requireManager(of: try await book.requireProduct(ref))
            let order = try await request.decode(as: PriceOrder.self, context: context)
            let problems = order.problems()
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            // The history names who set a price: a user id or `service:<name>`.
            let price = try await book.addPrice(ref, order, setBy: principal.subject, now: clock.now())
            return EditedResponse(status: .created, response: price)
        }

        group.get("/pricing/products/:ref/prices") { request, context in
            _ = try context.requirePrincipal()
            let ref = try context.productRef()
            _ = try await book.requireProduct(ref)
            let country = request.query("country")
            if let country, !Validation.isCountry(country) {
                throw Problem.malformed("country \(Validation.countryHelp)", field: "country")
            }
            let page = try PageRequest(request, defaultLimit: 50, maxLimit: 200)
            let prices = try await book.prices(of: ref, currency: request.query("currency"), country: country,
                                               before: try page.decodeCursor(Date.self), limit: page.limit)
            return Page(items: prices, limit: page.limit) { $0.createdAt }
        }

        group.put("/pricing/products/:ref/strategy") { request, context in
            let ref = try context.productRef()
            try context.requireManager(of: try await book.requireProduct(ref))
            let strategy = try await request.decode(as: Strategy.self, context: context)
            let problems = strategy.problems()
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            try await book.saveStrategy(strategy, for: ref)
            return strategy
        }

        group.get("/pricing/products/:ref/strategy") { _, context in
            _ = try context.requirePrincipal()
            let ref = try context.productRef()
            guard let strategy = try await book.strategy(of: ref) else { throw Problem.notFound("strategy of product", id: ref) }
            return strategy
        }

        group.delete("/pricing/products/:ref/strategy") { _, context in
            let ref = try context.productRef()
            try context.requireManager(of: try await book.requireProduct(ref))
            try await book.deleteStrategy(of: ref)
            return HTTPResponse.Status.noContent
        }
    }
}

/// `GET /pricing/products/{ref}`: the product, the prices in effect now, and its strategy.
struct ProductView: ResponseEncodable, Sendable {
    let product: Product
    let currentPrices: [Price]
    let strategy: Strategy?

    enum CodingKeys: String, CodingKey { case currentPrices, strategy }

    func encode(to encoder: any Encoder) throws {
        try product.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(currentPrices, forKey: .currentPrices)
        try container.encodeIfPresent(strategy, forKey: .strategy)
    }
}

extension Product: ResponseEncodable {}
extension Price: ResponseEncodable {}
extension Strategy: ResponseEncodable {}
