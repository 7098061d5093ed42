import Foundation
import Hummingbird
import Shared

/// Quotes: what a cart costs, signed and held for a while; redeemed once when paid.
struct QuoteRoutes: Sendable {
    let loader: InputsLoader
    let quotes: QuoteBook
    let clock: FleetClock

    func add(to router: Router<AppRequestContext>, signedIn group: RouterGroup<AppRequestContext>) {
        // Public: anyone may check a quote's signature.
        router.get("/pricing/quote-keys") { _, _ in
            QuoteKeys(keys: [quotes.signer.publicKey])
        }

        group.post("/pricing/quote") { request, context in
            let body = try await request.decode(as: QuoteRequest.self, context: context)
            let cart = try body.cart(buyer: try Self.buyer(of: body, context))
            let now = clock.now()
            let issued = try await quotes.issue(try await loader.price(cart, at: now), buyer: cart.buyer, now: now)
            return EditedResponse(status: .created, response: QuoteView(issued.quote, now: now, pricedDocument: issued.pricedDocument))
        }

        group.get("/pricing/products/:ref/price") { request, context in
            let (principal, userId) = try context.requireUser()
            guard let currency = request.query("currency") else { throw Problem.malformed("currency is required", field: "currency") }
            let body = QuoteRequest(items: [.init(productRef: try context.productRef().description, quantity: 1)], currency: currency,
                                    country: request.query("country"), couponCodes: nil, buyerId: nil, organizationId: nil)
            let cart = try body.cart(buyer: Buyer(id: userId, organizationId: principal.organizationId))
            return try await loader.price(cart, at: clock.now())
        }

        group.get("/pricing/quotes") { request, context in
            let principal = try context.requirePrincipal()
            var buyer = try request.queryUUID("buyerId")
            if !(principal.isAdmin || principal.isService) {
                let userId = try context.requireUser().userId
                if let buyer, buyer != userId { throw Problem.forbidden("you may list only your own quotes") }
                buyer = userId
            }
            guard let buyer else { throw Problem.malformed("buyerId is required", field: "buyerId") }
            let page = try PageRequest(request, defaultLimit: 20, maxLimit: 100)
            let now = clock.now()
            let listed = try await quotes.quotes(of: buyer, before: try page.decodeCursor(UUID.self), limit: page.limit)
            return Page(items: listed.map { QuoteView($0, now: now) }, limit: page.limit) { $0.quote.id }
        }

        group.get("/pricing/quotes/:id") { _, context in
            let quote = try await quotes.require(try context.parameters.require("id", as: UUID.self))
            let principal = try context.requirePrincipal()
            guard principal.isAdmin || principal.isService || principal.userId == quote.buyerId else {
                throw Problem.forbidden("only the buyer, the platform's services or an administrator may read a quote")
            }
            return QuoteView(quote, now: clock.now())
        }

        group.post("/pricing/quotes/:id/redeem") { request, context in
            _ = try context.requireServiceOrAdmin()
            let redemption = try await request.decode(as: Redemption.self, context: context)
            if let paymentId = redemption.paymentId, !(1...200).contains(paymentId.count) {
                throw Problem.invalid("paymentId", "must be 1 to 200 characters")
            }
            let now = clock.now()
            let quote = try await quotes.redeem(try context.parameters.require("id", as: UUID.self), paymentId: redemption.paymentId, now: now)
            return QuoteView(quote, now: now)
        }
    }

    /// The buyer: a signed-in learner is always their own buyer; a service or an administrator
    /// names one.
    private static func buyer(of body: QuoteRequest, _ context: AppRequestContext) throws -> Buyer {
        let principal = try context.requirePrincipal()
        if principal.isService || principal.isAdmin, let buyerId = body.buyerId {
            return Buyer(id: buyerId, organizationId: body.organizationId)
        }
        guard let userId = principal.userId else { throw Problem.invalid("buyerId", "is required when a service asks for a quote") }
        if body.buyerId.map({ $0 != userId }) == true || body.organizationId.map({ $0 != principal.organizationId }) == true {
            throw Problem.forbidden("you may ask for quotes only for yourself and your own organisation")
        }
        return Buyer(id: userId, organizationId: principal.organizationId)
    }
}

/// `POST /pricing/quotes/{id}/redeem`.
struct Redemption: Decodable, Sendable {
    /// The payment that paid the quote; repeating a redemption with the same id is harmless.
    let paymentId: String?
}

/// `GET /pricing/quote-keys`: the public keys that verify quote signatures, as a JWK set.
struct QuoteKeys: ResponseEncodable, Sendable {
    let keys: [PublicQuoteKey]
}

/// A quote on the wire: the priced cart's fields at the top level, with the quote's own. Written
/// by the wire encoder from `jsonText` (see `PricedCart.jsonValue`); its `Encodable` form is the same.
struct QuoteView: ResponseEncodable, JSONTextConvertible, Sendable {
    let quote: Quote
    /// Open and not yet expired: payment-service may charge it.
    let valid: Bool
    /// The priced cart's JSON text when it was just written (for the database), to reuse.
    let pricedDocument: String?

    init(_ quote: Quote, now: Date, pricedDocument: String? = nil) {
        self.quote = quote
        valid = quote.status == .open && !quote.isExpired(at: now)
        self.pricedDocument = pricedDocument
    }

    var jsonValue: JSONValue {
        .object(quote.priced.jsonMembers.merging(ownMembers) { _, own in own })
    }

    /// The quote's own members, then the priced cart's document text without its opening brace:
    /// one object, since the two share no member name.
    var jsonText: String {
        let priced = pricedDocument ?? quote.priced.jsonText
        var text = JSONText.write(.object(ownMembers))
        text.removeLast()
        // Appended as a Substring: `+` on substrings counts the characters of the whole document first.
        text.append(",")
        text.append(contentsOf: priced.dropFirst())
        return text
    }

    /// Everything but the priced cart.
    private var ownMembers: [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        members["id"] = .string(quote.id.uuidString)
        members["buyerId"] = .string(quote.buyerId.uuidString)
        members["createdAt"] = .string(Timestamp.format(quote.createdAt))
        members["expiresAt"] = .string(Timestamp.format(quote.expiresAt))
        members["status"] = .string(quote.status.rawValue)
        members["valid"] = .bool(valid)
        if let redeemedAt = quote.redeemedAt { members["redeemedAt"] = .string(Timestamp.format(redeemedAt)) }
        if let paymentId = quote.paymentId { members["paymentId"] = .string(paymentId) }
        if let refusal = quote.refusal { members["refusal"] = .string(refusal) }
        members["signature"] = ["algorithm": .string(quote.signature.algorithm), "keyId": .string(quote.signature.keyId),
                                "value": .string(quote.signature.value)]
        return members
    }

    func encode(to encoder: any Encoder) throws {
        try jsonValue.encode(to: encoder)
    }
}

extension PricedCart: ResponseEncodable, JSONTextConvertible {}
