import Foundation
import Shared

/// An automatic promotion: applied to every cart that qualifies, no code needed.
struct Promotion: Codable, Sendable, Equatable {
    let id: UUID
    let name: String
    let rule: PromotionRule
    /// The products it covers; empty with no categories means every product. For a bundle,
    /// the products that must all be in the cart.
    let productRefs: [String]
    let categories: [String]
    let startsAt: Date
    let endsAt: Date?

    func isLive(at now: Date) -> Bool { startsAt <= now && endsAt.map { now < $0 } ?? true }

    /// Whether a product is within the promotion's scope.
    func covers(_ product: ProductRef, category: String?) -> Bool {
        if productRefs.isEmpty && categories.isEmpty { return true }
        return productRefs.contains(product.description) || category.map(categories.contains) == true
    }
}

enum PromotionRule: Sendable, Equatable {
    /// A percentage off every covered line while the sale lasts.
    case flashSale(percentBps: Int)
    /// A percentage off every covered line when the cart holds enough covered units; the
    /// highest tier reached applies.
    case volume(tiers: [VolumeTier])
    /// A percentage off the bundle's lines when every product of the bundle is in the cart.
    case bundle(percentBps: Int)

    enum Kind: String, Codable, Sendable, CaseIterable {
        case flashSale = "flash_sale", volume, bundle
    }

    var kind: Kind {
        switch self {
        case .flashSale: .flashSale
        case .volume: .volume
        case .bundle: .bundle
        }
    }
}

struct VolumeTier: Codable, Sendable, Equatable {
    let minQuantity: Int
    let percentBps: Int
}

/// `POST /pricing/promotions`; the stored form adds the id.
struct PromotionOrder: Codable, Sendable {
    let name: String
    let kind: PromotionRule.Kind
    let percentBps: Int?
    let tiers: [VolumeTier]?
    let productRefs: [String]?
    let categories: [String]?
    let startsAt: Date?
    let endsAt: Date?

    /// The rule it describes, once `problems()` found nothing wrong.
    var rule: PromotionRule {
        switch kind {
        case .flashSale: .flashSale(percentBps: percentBps ?? 0)
        case .volume: .volume(tiers: tiers ?? [])
        case .bundle: .bundle(percentBps: percentBps ?? 0)
        }
    }

    func problems(now: Date) -> [FieldError] {
        var errors: [FieldError] = []
        func refuse(_ field: String, _ message: String) { errors.append(FieldError(field: field, message: message)) }
        if !(1...200).contains(name.count) { refuse("name", "must be 1 to 200 characters") }
        for (index, ref) in (productRefs ?? []).enumerated() where ProductRef(ref) == nil {
            refuse("productRefs[\(index)]", ProductRef.formatHelp)
        }
        for (index, category) in (categories ?? []).enumerated() where !Validation.isSlug(category) {
            refuse("categories[\(index)]", Validation.slugHelp)
        }
        if let startsAt, let endsAt, endsAt <= startsAt { refuse("endsAt", "must be after startsAt") }
        if startsAt == nil, let endsAt, endsAt <= now { refuse("endsAt", "must be in the future") }
        switch kind {
        case .flashSale, .bundle:
            if !(1...10_000).contains(percentBps ?? 0) { refuse("percentBps", "must be from 1 to 10000 basis points") }
            if tiers != nil { refuse("tiers", "applies to volume promotions only") }
            if kind == .flashSale, endsAt == nil { refuse("endsAt", "a flash sale must end") }
            if kind == .bundle {
                if Set(productRefs ?? []).count < 2 { refuse("productRefs", "a bundle needs at least two different products") }
                if !(categories ?? []).isEmpty { refuse("categories", "a bundle names its products, not categories") }
            }
        case .volume:
            if percentBps != nil { refuse("percentBps", "a volume promotion takes tiers") }
            let tiers = tiers ?? []
            if !(1...20).contains(tiers.count) { refuse("tiers", "must hold 1 to 20 tiers") }
            for (index, tier) in tiers.enumerated() {
                if !(2...100_000).contains(tier.minQuantity) { refuse("tiers[\(index)].minQuantity", "must be from 2 to 100000") }
                if !(1...10_000).contains(tier.percentBps) { refuse("tiers[\(index)].percentBps", "must be from 1 to 10000 basis points") }
            }
        }
        return errors
    }
}

extension Promotion {
    private enum CodingKeys: String, CodingKey {
        case id, name, kind, percentBps, tiers, productRefs, categories, startsAt, endsAt
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UUID.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        switch try container.decode(PromotionRule.Kind.self, forKey: .kind) {
        case .flashSale: rule = .flashSale(percentBps: try container.decode(Int.self, forKey: .percentBps))
        case .volume: rule = .volume(tiers: try container.decode([VolumeTier].self, forKey: .tiers))
        case .bundle: rule = .bundle(percentBps: try container.decode(Int.self, forKey: .percentBps))
        }
        productRefs = try container.decode([String].self, forKey: .productRefs)
        categories = try container.decode([String].self, forKey: .categories)
        startsAt = try container.decode(Date.self, forKey: .startsAt)
        endsAt = try container.decodeIfPresent(Date.self, forKey: .endsAt)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(rule.kind, forKey: .kind)
        switch rule {
        case .flashSale(let percentBps), .bundle(let percentBps): try container.encode(percentBps, forKey: .percentBps)
        case .volume(let tiers): try container.encode(tiers, forKey: .tiers)
        }
        try container.encode(productRefs, forKey: .productRefs)
        try container.encode(categories, forKey: .categories)
        try container.encode(startsAt, forKey: .startsAt)
        try container.encodeIfPresent(endsAt, forKey: .endsAt)
    }

    init(id: UUID, order: PromotionOrder, now: Date) {
        self.init(id: id, name: order.name, rule: order.rule, productRefs: (order.productRefs ?? []).map { ProductRef($0)!.description },
                  categories: order.categories ?? [], startsAt: order.startsAt ?? now, endsAt: order.endsAt)
    }
}
