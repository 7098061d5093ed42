import Foundation
import Hummingbird
import Shared

/// PATCH bodies as JSON merge patches (RFC 7396): the patch is laid over the resource's current
/// document (a member set to null is removed), and the result is read and checked exactly like
/// a new resource, so one set of rules covers both.
enum MergePatch {
    /// The request's body as a JSON object.
    /// - Throws: 400 when it is not one.
    static func body(_ request: Request, context: AppRequestContext) async throws -> [String: JSONValue] {
        guard case .object(let members) = try await request.decode(as: JSONValue.self, context: context) else {
            throw Problem.malformed("the body must be a JSON object")
        }
        return members
    }

    /// The current document with the patch applied, read as `Order`.
    /// - Parameters:
    ///   - fixed: members that cannot change; a patch giving another value is refused (422).
    static func apply<Order: Codable>(_ patch: [String: JSONValue], to current: Order, fixed: [String] = []) throws -> Order {
        guard case .object(let document) = try JSONValue.from(current) else { throw Problem.malformed("the resource cannot be patched") }
        let refused = fixed.filter { patch[$0] != nil && !same(patch[$0], document[$0]) }
            .map { FieldError(field: $0, message: "cannot change; delete and create instead") }
        guard refused.isEmpty else { throw Problem.invalid(refused) }
        let merged = merge(patch, into: document)
        return try WireJSONDecoder.decode(Order.self, from: JSONValue.object(merged))
    }

    /// Equal values, counting UUIDs in either case as the same.
    private static func same(_ lhs: JSONValue?, _ rhs: JSONValue?) -> Bool {
        if let left = lhs?.stringValue.flatMap(UUID.init(uuidString:)), let right = rhs?.stringValue.flatMap(UUID.init(uuidString:)) {
            return left == right
        }
        return lhs == rhs
    }

    static func merge(_ patch: [String: JSONValue], into document: [String: JSONValue]) -> [String: JSONValue] {
        var result = document
        for (key, value) in patch {
            switch value {
            case .null: result[key] = nil
            case .object(let members):
                if case .object(let existing)? = result[key] { result[key] = .object(merge(members, into: existing)) }
                else { result[key] = .object(merge(members, into: [:])) }
            default: result[key] = value
            }
        }
        return result
    }
}
