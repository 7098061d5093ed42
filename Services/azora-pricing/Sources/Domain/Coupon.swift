import Foundation
import Shared

/// A coupon code a buyer types in.
struct Coupon: Codable, Sendable, Equatable {
    let id: UUID
    /// Upper case; codes are matched without regard to case.
    let code: String
    let discount: CouponDiscount
    /// The order subtotal (after promotions) the cart must reach, in one currency.
    let minOrder: Money?
    /// The products and categories it applies to; both empty means every product.
    let productRefs: [String]
    let categories: [String]
    let firstPurchaseOnly: Bool
    /// Whether it combines with other coupons; an exclusive coupon must be used alone.
    let stackable: Bool
    let startsAt: Date?
    let endsAt: Date?
    let maxRedemptions: Int?
    let maxPerUser: Int?
    let redemptions: Int
    let active: Bool
    /// The instructor who made it, limited to their own products; `nil` for administrators.
    let ownerId: UUID?

    func covers(_ product: ProductRef, category: String?) -> Bool {
        if productRefs.isEmpty && categories.isEmpty { return true }
        return productRefs.contains(product.description) || category.map(categories.contains) == true
    }

    var scopeDescription: String {
        let names = productRefs + categories.map { "category \($0)" }
        return names.isEmpty ? "every product" : names.joined(separator: ", ")
    }
}

enum CouponDiscount: Sendable, Equatable {
    case percentage(bps: Int)
    case fixed(Money)
}

/// `POST /pricing/coupons`.
struct CouponOrder: Decodable, Sendable {
    let code: String
    /// `percentage` with `percentBps`, or `fixed` with `amount`.
    let kind: Kind
    let percentBps: Int?
    let amount: Money?
    let minOrder: Money?
    let productRefs: [String]?
    let categories: [String]?
    let firstPurchaseOnly: Bool?
    let stackable: Bool?
    let startsAt: Date?
    let endsAt: Date?
    let maxRedemptions: Int?
    let maxPerUser: Int?

    enum Kind: String, Codable, Sendable {
        case percentage, fixed
    }

    static func normalized(_ code: String) -> String { code.uppercased() }

    func problems() -> [FieldError] {
        var errors: [FieldError] = []
        func refuse(_ field: String, _ message: String) { errors.append(FieldError(field: field, message: message)) }
        if !(3...40).contains(code.count) || !code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }) {
            refuse("code", "must be 3 to 40 letters, digits, '-' or '_'")
        }
        switch kind {
        case .percentage:
            if !(1...10_000).contains(percentBps ?? 0) { refuse("percentBps", "must be from 1 to 10000 basis points") }
            if amount != nil { refuse("amount", "applies to fixed coupons only") }
        case .fixed:
            if let amount { errors += amount.problems(field: "amount", amounts: 1...Validation.maxUnitAmount) } else { refuse("amount", "is required for a fixed coupon") }
            if percentBps != nil { refuse("percentBps", "applies to percentage coupons only") }
        }
        if let minOrder { errors += minOrder.problems(field: "minOrder", amounts: 1...Validation.maxUnitAmount) }
        for (index, ref) in (productRefs ?? []).enumerated() where ProductRef(ref) == nil {
            refuse("productRefs[\(index)]", ProductRef.formatHelp)
        }
        for (index, category) in (categories ?? []).enumerated() where !Validation.isSlug(category) {
            refuse("categories[\(index)]", Validation.slugHelp)
        }
        if let startsAt, let endsAt, endsAt <= startsAt { refuse("endsAt", "must be after startsAt") }
        if let maxRedemptions, maxRedemptions < 1 { refuse("maxRedemptions", "must be at least 1") }
        if let maxPerUser, maxPerUser < 1 { refuse("maxPerUser", "must be at least 1") }
        return errors
    }

    func coupon(id: UUID, ownerId: UUID?) -> Coupon {
        Coupon(id: id, code: Self.normalized(code),
               discount: kind == .percentage ? .percentage(bps: percentBps ?? 0) : .fixed(amount!),
               minOrder: minOrder, productRefs: (productRefs ?? []).compactMap { ProductRef($0)?.description },
               categories: categories ?? [], firstPurchaseOnly: firstPurchaseOnly ?? false, stackable: stackable ?? true,
               startsAt: startsAt, endsAt: endsAt, maxRedemptions: maxRedemptions, maxPerUser: maxPerUser, redemptions: 0,
               active: true, ownerId: ownerId)
    }
}

extension Coupon {
    private enum CodingKeys: String, CodingKey {
        case id, code, kind, percentBps, amount, minOrder, productRefs, categories, firstPurchaseOnly, stackable, startsAt, endsAt,
             maxRedemptions, maxPerUser, redemptions, active, ownerId
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UUID.self, forKey: .id)
        code = try container.decode(String.self, forKey: .code)
        switch try container.decode(CouponOrder.Kind.self, forKey: .kind) {
        case .percentage: discount = .percentage(bps: try container.decode(Int.self, forKey: .percentBps))
        case .fixed: discount = .fixed(try container.decode(Money.self, forKey: .amount))
        }
        minOrder = try container.decodeIfPresent(Money.self, forKey: .minOrder)
        productRefs = try container.decode([String].self, forKey: .productRefs)
        categories = try container.decode([String].self, forKey: .categories)
        firstPurchaseOnly = try container.decode(Bool.self, forKey: .firstPurchaseOnly)
        stackable = try container.decode(Bool.self, forKey: .stackable)
        startsAt = try container.decodeIfPresent(Date.self, forKey: .startsAt)
        endsAt = try container.decodeIfPresent(Date.self, forKey: .endsAt)
        maxRedemptions = try container.decodeIfPresent(Int.self, forKey: .maxRedemptions)
        maxPerUser = try container.decodeIfPresent(Int.self, forKey: .maxPerUser)
        redemptions = try container.decode(Int.self, forKey: .redemptions)
        active = try container.decode(Bool.self, forKey: .active)
        ownerId = try container.decodeIfPresent(UUID.self, forKey: .ownerId)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(code, forKey: .code)
        switch discount {
        case .percentage(let bps):
            try container.encode(CouponOrder.Kind.percentage, forKey: .kind)
            try container.encode(bps, forKey: .percentBps)
        case .fixed(let money):
            try container.encode(CouponOrder.Kind.fixed, forKey: .kind)
            try container.encode(money, forKey: .amount)
        }
        try container.encodeIfPresent(minOrder, forKey: .minOrder)
        try container.encode(productRefs, forKey: .productRefs)
        try container.encode(categories, forKey: .categories)
        try container.encode(firstPurchaseOnly, forKey: .firstPurchaseOnly)
        try container.encode(stackable, forKey: .stackable)
        try container.encodeIfPresent(startsAt, forKey: .startsAt)
        try container.encodeIfPresent(endsAt, forKey: .endsAt)
        try container.encodeIfPresent(maxRedemptions, forKey: .maxRedemptions)
        try container.encodeIfPresent(maxPerUser, forKey: .maxPerUser)
        try container.encode(redemptions, forKey: .redemptions)
        try container.encode(active, forKey: .active)
        try container.encodeIfPresent(ownerId, forKey: .ownerId)
    }
}
