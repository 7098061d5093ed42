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

/// The priced cart's text written directly, as `JSONText.write(jsonValue)` writes it (members in
/// sorted key order), without building the tree: it is written for every quote, for the
/// database and the answer. A test holds the two equal.
extension PricedCart {
    var jsonText: String {
        var writer = JSONWriter(capacity: 8 * 1024)
        writer.object { w in
            if let country { w.member("country", country) }
            w.member("couponIds", couponIds) { $0.string($1.uuidString) }
            w.member("currency", currency)
            w.member("discountTotal", discountTotal)
            w.member("experiments", experiments) { w, experiment in
                w.object { w in
                    w.member("experimentKey", experiment.experimentKey)
                    w.member("variant", experiment.variant)
                }
            }
            w.member("lines", lines) { $1.write(into: &$0) }
            w.member("requestedCurrency", requestedCurrency)
            w.member("rules", rules) { w, rule in
                w.object { w in
                    w.member("applied", rule.applied)
                    w.member("kind", rule.kind.rawValue)
                    w.member("reason", rule.reason)
                    w.member("ref", rule.ref)
                }
            }
            w.member("subtotal", subtotal)
            w.member("total", total)
        }
        return writer.text
    }
}

extension PricedLine {
    fileprivate func write(into writer: inout JSONWriter) {
        writer.object { w in
            w.member("basePriceSource", basePriceSource)
            w.member("discounts", discounts) { w, discount in
                w.object { w in
                    w.member("amount", discount.amount)
                    w.member("name", discount.name)
                    w.member("ref", discount.ref)
                    w.member("source", discount.source.rawValue)
                }
            }
            w.member("listAmount", listAmount)
            w.member("productRef", productRef)
            w.member("quantity", Int64(quantity))
            w.member("strategyAdjustment", strategyAdjustment)
            w.member("title", title)
            w.member("total", total)
            w.member("unitBasePrice", unitBasePrice)
            w.member("unitListPrice", unitListPrice)
        }
    }
}
