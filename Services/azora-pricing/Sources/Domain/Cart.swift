import Foundation
import Shared

/// `POST /pricing/quote` as sent.
struct QuoteRequest: Decodable, Sendable {
    struct Item: Decodable, Sendable {
        let productRef: String
        let quantity: Int?
    }

    let items: [Item]
    let currency: String
    let country: String?
    let couponCodes: [String]?
    /// The buyer, when a service or an administrator quotes on someone's behalf; a signed-in
    /// learner always quotes for themselves.
    let buyerId: UUID?
    /// The buyer's organisation, likewise only from a service or an administrator.
    let organizationId: UUID?

    static let maxItems = 100
    static let maxQuantity = 1000
    static let maxCoupons = 5

    /// The cart, or a 422 naming every field at fault.
    func cart(buyer: Buyer) throws -> Cart {
        var errors: [FieldError] = []
        func refuse(_ field: String, _ message: String) { errors.append(FieldError(field: field, message: message)) }
        if !(1...Self.maxItems).contains(items.count) { refuse("items", "must hold 1 to \(Self.maxItems) items") }
        var lines: [Cart.Line] = []
        var seen: Set<ProductRef> = []
        for (index, item) in items.enumerated() {
            guard let ref = ProductRef(item.productRef) else {
                refuse("items[\(index)].productRef", ProductRef.formatHelp)
                continue
            }
            if !seen.insert(ref).inserted { refuse("items[\(index)].productRef", "is already in the cart; use quantity instead") }
            let quantity = item.quantity ?? 1
            if !(1...Self.maxQuantity).contains(quantity) { refuse("items[\(index)].quantity", "must be from 1 to \(Self.maxQuantity)") }
            lines.append(Cart.Line(ref: ref, quantity: quantity))
        }
        let currency = Currency(code: currency)
        if currency == nil { refuse("currency", Currency.unknownCodeHelp) }
        if let country, !Validation.isCountry(country) { refuse("country", Validation.countryHelp) }
        let codes = (couponCodes ?? []).map(CouponOrder.normalized)
        if codes.count > Self.maxCoupons { refuse("couponCodes", "may hold at most \(Self.maxCoupons) codes") }
        if Set(codes).count != codes.count { refuse("couponCodes", "names a code twice") }
        guard errors.isEmpty, let currency else { throw Problem.invalid(errors) }
        return Cart(lines: lines, currency: currency, country: country, couponCodes: codes, buyer: buyer)
    }
}

/// Who is buying.
struct Buyer: Sendable, Equatable {
    let id: UUID
    let organizationId: UUID?
}

/// A validated cart: what the engine prices.
struct Cart: Sendable, Equatable {
    struct Line: Sendable, Equatable {
        let ref: ProductRef
        let quantity: Int
    }

    let lines: [Line]
    let currency: Currency
    let country: String?
    /// Upper case, in the order given.
    let couponCodes: [String]
    let buyer: Buyer
}
