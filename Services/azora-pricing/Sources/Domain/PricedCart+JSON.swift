import Foundation
import Shared

/// The priced cart as the JSON value its `Codable` form writes, built by hand: a quote answers
/// with dozens of lines and rule outcomes, and Foundation's encoder was most of a quote's cost.
/// A test holds the two forms equal.
extension PricedCart {
    var jsonValue: JSONValue { .object(jsonMembers) }

    var jsonMembers: [String: JSONValue] {
        var members: [String: JSONValue] = [
            "currency": .string(currency), "requestedCurrency": .string(requestedCurrency),
            "lines": .array(lines.map(\.jsonValue)), "subtotal": .amount(subtotal), "discountTotal": .amount(discountTotal),
            "total": .amount(total), "rules": .array(rules.map(\.jsonValue)),
            "experiments": .array(experiments.map { ["experimentKey": .string($0.experimentKey), "variant": .string($0.variant)] }),
            "couponIds": .array(couponIds.map { .string($0.uuidString) }),
        ]
        if let country { members["country"] = .string(country) }
        return members
    }
}

extension PricedLine {
    var jsonValue: JSONValue {
        [
            "productRef": .string(productRef), "title": .string(title), "quantity": .number(Double(quantity)),
            "unitBasePrice": .amount(unitBasePrice), "basePriceSource": .string(basePriceSource),
            "strategyAdjustment": .amount(strategyAdjustment), "unitListPrice": .amount(unitListPrice), "listAmount": .amount(listAmount),
            "discounts": .array(discounts.map {
                ["source": .string($0.source.rawValue), "ref": .string($0.ref), "name": .string($0.name), "amount": .amount($0.amount)]
            }),
            "total": .amount(total),
        ]
    }
}

extension RuleOutcome {
    var jsonValue: JSONValue {
        ["kind": .string(kind.rawValue), "ref": .string(ref), "applied": .bool(applied), "reason": .string(reason)]
    }
}

extension JSONValue {
    /// Minor units: within ±2^53, so exact as a JSON number.
    static func amount(_ value: Int64) -> JSONValue { .number(Double(value)) }
}
