import Foundation
import Shared
import Testing

/// Request bodies are decoded from `JSONReader`'s tree instead of by Foundation's decoder: the
/// same documents must give the same values, and the same faults the same problems, each naming
/// its field.
@Suite struct JSONValueDecoderTests {
    struct Line: Codable, Equatable {
        let productId: UUID
        let amount: Int64
        let note: String?
    }

    struct Order: Codable, Equatable {
        let id: UUID
        let name: String
        let seats: Int
        let share: Double
        let ratio: Float
        let active: Bool
        let at: Date
        let proof: Data
        let site: URL
        let lines: [Line]
        let limits: [String: Int]
        let tags: Set<String>
        let metadata: JSONValue
        let missing: String?
        let nothing: Int?
        let matrix: [[Int]]
    }

    static let order = #"""
        {"id":"5F0C2C4E-0A4B-4C7E-9C55-2B1E4B7F9A10","name":"Ada \u00e9","seats":3,"share":0.25,"ratio":1.5,"active":true,
         "at":"2026-01-31T12:00:00.250Z","proof":"aGVsbG8=","site":"https://azora.example/a?b=c",
         "lines":[{"productId":"0d1b6c54-0c7f-4d8e-9a0f-6f3f8c2b1a00","amount":1200},{"productId":"0d1b6c54-0c7f-4d8e-9a0f-6f3f8c2b1a01","amount":-5,"note":"x"}],
         "limits":{"a":1,"b":2},"tags":["x","y"],"metadata":{"k":[1,"two",null,{"three":true}]},"nothing":null,"matrix":[[1,2],[],[3]]}
        """#

    @Test func aDocumentDecodesAsFoundationDecodesIt() throws {
        let foundation = try JSONCoding.makeDecoder().decode(Order.self, from: Data(Self.order.utf8))
        let tree = try JSONValueDecoder.decode(Order.self, from: try JSONReader.parse(Self.order))
        #expect(tree == foundation)
        #expect(tree.lines[1].note == "x" && tree.missing == nil && tree.nothing == nil)
        #expect(tree.metadata == ["k": [1, "two", .null, ["three": true]]])
    }

    @Test func faultsAreTheProblemsFoundationsErrorsWere() throws {
        let cases: [(String, FieldError)] = [
            (#"{"seats":1}"#, FieldError(field: "id", message: "is required")),
            (Self.replacing("\"seats\":3", with: "\"seats\":\"3\""), FieldError(field: "seats", message: "must be an integer")),
            (Self.replacing("\"seats\":3", with: "\"seats\":3.5"), FieldError(field: "seats", message: "must be an integer")),
            (Self.replacing("\"seats\":3", with: "\"seats\":null"), FieldError(field: "seats", message: "must not be null")),
            (Self.replacing("\"amount\":-5", with: "\"amount\":true"), FieldError(field: "lines[1].amount", message: "must be an integer")),
            (Self.replacing("\"amount\":1200", with: "\"amount\":9007199254740993"), FieldError(
                field: "lines[0].amount", message: "must be a whole number from -9007199254740991 to 9007199254740991")),
            (Self.replacing("0d1b6c54-0c7f-4d8e-9a0f-6f3f8c2b1a01", with: "nope"), FieldError(
                field: "lines[1].productId", message: "Attempted to decode UUID from invalid UUID string.")),
            (Self.replacing("2026-01-31T12:00:00.250Z", with: "yesterday"), FieldError(
                field: "at", message: "expected an RFC 3339 timestamp such as 2026-01-31T12:00:00Z")),
            (Self.replacing("\"active\":true", with: "\"active\":1"), FieldError(field: "active", message: "must be true or false")),
            (Self.replacing("\"limits\":{\"a\":1,\"b\":2}", with: "\"limits\":{\"a\":\"1\"}"), FieldError(field: "limits.a", message: "must be an integer")),
            (Self.replacing("[[1,2],[],[3]]", with: "[[1,2],[\"x\"]]"), FieldError(field: "matrix[1][0]", message: "must be an integer")),
            (Self.replacing("\"lines\":[", with: "\"lines\":7,\"x\":["), FieldError(field: "lines", message: "must be an array")),
            (Self.replacing("\"name\":\"Ada \\u00e9\"", with: "\"name\":{}"), FieldError(field: "name", message: "must be a string")),
        ]
        for (text, expected) in cases {
            #expect(throws: Problem.invalid([expected]), "\(text)") { try WireJSONDecoder.decode(Order.self, from: Data(text.utf8)) }
        }
    }

    @Test func aBodyThatIsNotAnObjectOrNotJSONIsRefused() {
        #expect(throws: Problem.invalid("body", "must be an object of the documented shape")) {
            try WireJSONDecoder.decode(Order.self, from: Data("[1]".utf8))
        }
        #expect(throws: Problem.invalid("body", "must be a JSON object")) {
            try WireJSONDecoder.decode([String: JSONValue].self, from: Data("\"text\"".utf8))
        }
        #expect(throws: Problem.malformed("the body is not valid JSON (expected ',' or '}' in an object at byte 10)")) {
            try WireJSONDecoder.decode(Order.self, from: Data(#"{"seats":1"#.utf8))
        }
    }

    private static func replacing(_ part: String, with other: String) -> String {
        precondition(order.contains(part), part)
        return order.replacingOccurrences(of: part, with: other)
    }
}
