import Foundation
import Shared
import Testing

/// Written member by member, the text is what `JSONText` writes for the same value.
@Suite struct JSONWriterTests {
    @Test func nestedMembersAreSeparatedExactlyOnce() {
        var writer = JSONWriter()
        writer.object { w in
            w.member("a", [Int64(1), 2, 3]) { $0.number($1) }
            w.member("b", [[String](), ["x"], ["y", "z"]]) { w, strings in w.array(strings) { $0.string($1) } }
            w.member("c", true)
            w.member("d", [1, 2]) { w, n in
                w.object { w in
                    w.member("empty", [String]()) { $0.string($1) }
                    w.member("n", Int64(n))
                }
            }
            w.member("e", "quote \" backslash \\ newline \n é 🎓")
            w.member("f", Int64(-9_007_199_254_740_991))
        }
        let expected: JSONValue = [
            "a": [1, 2, 3], "b": [[], ["x"], ["y", "z"]], "c": true,
            "d": [["n": 1, "empty": []], ["n": 2, "empty": []]],
            "e": "quote \" backslash \\ newline \n é 🎓", "f": -9_007_199_254_740_991,
        ]
        #expect(writer.text == JSONText.write(expected))
    }

    @Test func anEmptyObjectAndAnEmptyArray() {
        var object = JSONWriter()
        object.object { _ in }
        #expect(object.text == "{}")
        var array = JSONWriter()
        array.array([String]()) { $0.string($1) }
        #expect(array.text == "[]")
    }
}
